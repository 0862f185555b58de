import { describe, expect, it } from 'vitest';
import { extractSearchIndex, parseReference } from './search-index.extractor.js';

describe('extractSearchIndex', () => {
  it('indexes identifiers (system optional, deduplicated, empty values skipped)', () => {
    const entries = extractSearchIndex({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:a', value: '1' }, { value: '2' }, { system: 'urn:a', value: '1' }, { system: 'urn:b' }, { value: '' }],
    });
    expect(entries.tokens).toEqual([
      { param: 'identifier', system: 'urn:a', value: '1' },
      { param: 'identifier', system: '', value: '2' },
    ]);
    expect(entries.references).toEqual([]);
  });

  it('indexes patient references per type, only those pointing at a Patient', () => {
    expect(extractSearchIndex({ resourceType: 'Observation', subject: { reference: 'Patient/p1' } }).references).toEqual([
      { param: 'patient', targetType: 'Patient', targetId: 'p1' },
    ]);
    expect(extractSearchIndex({ resourceType: 'Observation', subject: { reference: 'Group/g1' } }).references).toEqual([]);
    expect(extractSearchIndex({ resourceType: 'Coverage', beneficiary: { reference: 'Patient/p2' } }).references[0]?.targetId).toBe('p2');
    expect(
      extractSearchIndex({ resourceType: 'Provenance', target: [{ reference: 'Encounter/e' }, { reference: 'Patient/p3' }] }).references,
    ).toEqual([{ param: 'patient', targetType: 'Patient', targetId: 'p3' }]);
    // A Patient is not indexed as its own patient, and unlisted types index nothing.
    expect(extractSearchIndex({ resourceType: 'Organization', partOf: { reference: 'Patient/x' } }).references).toEqual([]);
  });

  it('reads relative, absolute and versioned references, not contained ones', () => {
    expect(parseReference({ reference: 'http://x/fhir/Patient/abc/_history/2' })).toEqual({ targetType: 'Patient', targetId: 'abc' });
    expect(parseReference({ reference: '#contained' })).toBeUndefined();
    expect(parseReference({ display: 'x' })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Bundle } from '@hie/fhir';
import { documentToTransaction } from './document-transaction.js';

describe('documentToTransaction', () => {
  const document: Bundle = {
    resourceType: 'Bundle',
    type: 'document',
    entry: [
      { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Composition', id: 'c1' } },
      { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient', id: 'p1' } },
      { fullUrl: 'urn:uuid:3', resource: { resourceType: 'DocumentReference', id: 'd1' } },
      { fullUrl: 'urn:uuid:4', resource: { resourceType: 'Patient', id: 'p1', active: true } },
    ],
  };

  it('PUTs every resource of the document once, Composition and DocumentReference included, in order', () => {
    const tx = documentToTransaction(document);
    expect(tx.type).toBe('transaction');
    expect(tx.entry!.map((e) => [e.request?.method, e.request?.url])).toEqual([
      ['PUT', 'Composition/c1'],
      ['PUT', 'Patient/p1'],
      ['PUT', 'DocumentReference/d1'],
    ]);
    expect(tx.entry![1]!.resource).toBe(document.entry![1]!.resource);
  });

  it('refuses a resource without an id (it could not be PUT)', () => {
    expect(() => documentToTransaction({ resourceType: 'Bundle', type: 'document', entry: [{ resource: { resourceType: 'Patient' } }] })).toThrow(
      expect.objectContaining({ code: 'CDA_RESOURCE_WITHOUT_ID' }),
    );
  });
});

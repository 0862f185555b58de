import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '@hie/common';
import type { FhirRepository } from '@hie/store';
import { FhirReadService } from './fhir-read.service.js';

const patient = { resourceType: 'Patient', id: 'p1', meta: { versionId: '2' } };

function service(calls: unknown[] = []): FhirReadService {
  const repo = {
    read: async (type: string, id: string) => (type === 'Patient' && id === 'p1' ? patient : undefined),
    history: async (type: string, id: string) => (type === 'Patient' && id === 'p1' ? [patient, { ...patient, meta: { versionId: '1' } }] : []),
    search: async (type: string, criteria: unknown) => (calls.push([type, criteria]), { total: 1, resources: [patient] }),
  } as unknown as FhirRepository;
  return new FhirReadService(repo);
}

describe('FhirReadService', () => {
  it('reads a resource and refuses unknown types and ids as not found', async () => {
    await expect(service().read('Patient', 'p1')).resolves.toEqual(patient);
    await expect(service().read('Patient', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service().read('Spaceship', 'p1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service().read('Patient', '../etc')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gives history as a history Bundle, newest first', async () => {
    const bundle = await service().history('Patient', 'p1', 'http://h/fhir');
    expect(bundle.type).toBe('history');
    expect(bundle.entry?.map((e) => e.resource?.meta?.versionId)).toEqual(['2', '1']);
    await expect(service().history('Patient', 'p2', 'http://h/fhir')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('searches by identifier or patient into a searchset Bundle', async () => {
    const calls: unknown[] = [];
    const bundle = await service(calls).search('Observation', { patient: 'Patient/p1', _count: '10' }, 'http://h/fhir');
    expect(calls).toEqual([['Observation', { identifier: undefined, patient: 'Patient/p1', count: 10, offset: 0 }]]);
    expect(bundle).toMatchObject({ type: 'searchset', total: 1, entry: [{ fullUrl: 'http://h/fhir/Patient/p1', search: { mode: 'match' } }] });
  });

  it('refuses unsupported or malformed parameters with a 400-kind error', async () => {
    for (const params of [{ name: 'x' }, {}, { identifier: ['a', 'b'] }, { identifier: '' }, { identifier: 'a', _count: '-1' }]) {
      await expect(service().search('Patient', params, 'http://h/fhir')).rejects.toBeInstanceOf(InvalidInputError);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { Bundle, BundleEntry, FhirResource, OperationOutcome } from '@hie/fhir';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { ConversionRepository } from './conversion.repository.js';
import { FhirRepository } from './fhir.repository.js';
import { MessageRepository } from './message.repository.js';
import type { ConversionOutcome } from './conversion.model.js';

function put(resource: FhirResource): BundleEntry {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}
function patch(url: string, ops: unknown[]): BundleEntry {
  const data = Buffer.from(JSON.stringify(ops)).toString('base64');
  return { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data }, request: { method: 'PATCH', url } };
}
function bundle(...entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
function converted(messageId: string, ...entry: BundleEntry[]): ConversionOutcome {
  return { messageId, kind: 'converted', bundle: bundle(...entry) };
}
function patient(id: string, mrn: string, family = 'Doe'): FhirResource {
  return { resourceType: 'Patient', id, identifier: [{ system: 'urn:mrn', value: mrn }], name: [{ family }] };
}
function encounter(id: string, patientId: string): FhirResource {
  return { resourceType: 'Encounter', id, status: 'finished', class: { code: 'IMP' }, subject: { reference: `Patient/${patientId}` } };
}
const failure: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] };

describe.each(STORE_DRIVERS)('ConversionRepository + FhirRepository on %s', (driver) => {
  let store: TestStore;
  let messages: MessageRepository;
  let conversions: ConversionRepository;
  let fhir: FhirRepository;

  beforeAll(async () => {
    store = await openTestStore(driver, driver === 'postgres' ? { schema: 'hie_store' } : {});
    messages = new MessageRepository(store.dataSource);
    conversions = new ConversionRepository(store.dataSource);
    fhir = new FhirRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  async function received(n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => uuidv7());
    const raw = Buffer.from('MSH|^~\\&|');
    await messages.insertMany(ids.map((id) => ({ id, receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw, sizeBytes: raw.length, status: 'received' })));
    return ids;
  }

  it('applies a conversion once: a redelivered outcome is skipped and writes no second version', async () => {
    const [m] = await received(1);
    const outcome = converted(m!, put(patient('p-once', 'MRN-1')), put(encounter('e-once', 'p-once')));
    expect(await conversions.commit([outcome])).toEqual(new Map([[m, 'applied']]));
    expect(await conversions.commit([outcome])).toEqual(new Map([[m, 'skipped']]));
    expect(await fhir.history('Patient', 'p-once')).toHaveLength(1);
    const stored = await messages.get(m!);
    expect(stored).toMatchObject({ status: 'converted', attempts: 1, resourceCount: 2 });
    expect(stored!.processedAt).toBeInstanceOf(Date);
    expect(await fhir.versionsByMessage(m!)).toEqual([
      { type: 'Encounter', id: 'e-once', versionId: '1' },
      { type: 'Patient', id: 'p-once', versionId: '1' },
    ]);
    const read = await fhir.read('Patient', 'p-once');
    expect(read!.meta).toEqual({ versionId: '1', lastUpdated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(read!['name']).toEqual([{ family: 'Doe' }]);
  });

  it('skips unknown message ids and repeats of one message inside a batch', async () => {
    const [m] = await received(1);
    const result = await conversions.commit([
      converted(m!, put(patient('p-rep', 'MRN-R'))),
      converted(m!, put(patient('p-rep', 'MRN-R'))),
      converted(uuidv7(), put(patient('p-ghost', 'MRN-G'))),
      converted('not-a-uuid', put(patient('p-ghost', 'MRN-G'))),
    ]);
    expect([...result.values()]).toEqual(['applied', 'skipped', 'skipped']);
    expect(await fhir.history('Patient', 'p-rep')).toHaveLength(1);
    expect(await fhir.read('Patient', 'p-ghost')).toBeUndefined();
  });

  it('increments versions across messages, in message order inside one batch', async () => {
    const [a, b, c] = await received(3);
    await conversions.commit([converted(a!, put(patient('p-ver', 'MRN-V', 'First')))]);
    const result = await conversions.commit([
      converted(b!, put(patient('p-ver', 'MRN-V', 'Second'))),
      converted(c!, put(patient('p-ver', 'MRN-V', 'Third'))),
    ]);
    expect([...result.values()]).toEqual(['applied', 'applied']);
    const history = await fhir.history('Patient', 'p-ver');
    expect(history.map((r) => [r.meta?.versionId, (r['name'] as { family: string }[])[0]!.family])).toEqual([
      ['3', 'Third'],
      ['2', 'Second'],
      ['1', 'First'],
    ]);
    expect((await fhir.read('Patient', 'p-ver'))!.meta!.versionId).toBe('3');
    expect((await fhir.vread('Patient', 'p-ver', '2'))!['name']).toEqual([{ family: 'Second' }]);
    expect(await fhir.vread('Patient', 'p-ver', '9')).toBeUndefined();
    expect(await fhir.versionsByMessage(c!)).toEqual([{ type: 'Patient', id: 'p-ver', versionId: '3' }]);
  });

  it('records a failed outcome, and a reprocessed message converts again as a new version', async () => {
    const [m] = await received(1);
    expect(await conversions.commit([{ messageId: m!, kind: 'failed', outcome: failure }])).toEqual(new Map([[m, 'applied']]));
    expect(await messages.get(m!)).toMatchObject({ status: 'failed', attempts: 1, outcome: failure, resourceCount: 0 });
    expect(await conversions.commit([converted(m!, put(patient('p-re', 'MRN-RE')))])).toEqual(new Map([[m, 'skipped']]));
    expect(await messages.markForReprocess([m!])).toBe(1);
    await conversions.commit([converted(m!, put(patient('p-re', 'MRN-RE')))]);
    expect(await messages.get(m!)).toMatchObject({ status: 'converted', attempts: 2, resourceCount: 1 });
    expect((await messages.get(m!))!.outcome).toBeUndefined();
    // Reprocessed to the same content: a no-op update, the message is converted all the same.
    await messages.markForReprocess([m!]);
    expect(await conversions.commit([converted(m!, put(patient('p-re', 'MRN-RE')))])).toEqual(new Map([[m, 'applied']]));
    expect((await fhir.read('Patient', 'p-re'))!.meta!.versionId).toBe('1');
    expect(await messages.get(m!)).toMatchObject({ status: 'converted', attempts: 3, resourceCount: 1 });
    // Reprocessed after a mapping fix that changes the content: a new version.
    await messages.markForReprocess([m!]);
    await conversions.commit([converted(m!, put(patient('p-re', 'MRN-RE', 'Fixed')))]);
    expect((await fhir.read('Patient', 'p-re'))!.meta!.versionId).toBe('2');
    expect(await messages.countByStatus()).toMatchObject({ received: expect.any(Number), converted: expect.any(Number) });
  });

  it('writes nothing for an update whose content equals the current version (no-op, as HAPI FHIR)', async () => {
    const [a, b, c, d] = await received(4);
    const org = { resourceType: 'Organization', id: 'o-noop', name: 'Hosp', identifier: [{ system: 'urn:fac', value: 'H' }], meta: { tag: [{ code: 't' }] } };
    await conversions.commit([converted(a!, put(org), put(patient('p-noop', 'MRN-NOOP')))]);
    const v1 = await fhir.read('Organization', 'o-noop');
    // The same content with keys in another order and a client-sent versionId/lastUpdated; the patient changes.
    const reordered: FhirResource = {
      meta: { versionId: '7', lastUpdated: '2020-01-01T00:00:00Z', tag: [{ code: 't' }] }, identifier: [{ value: 'H', system: 'urn:fac' }], name: 'Hosp', id: 'o-noop', resourceType: 'Organization',
    };
    expect(await conversions.commit([converted(b!, put(reordered), put(patient('p-noop', 'MRN-NOOP', 'Changed')))])).toEqual(new Map([[b, 'applied']]));
    expect(await fhir.read('Organization', 'o-noop')).toEqual(v1);
    expect(await fhir.history('Organization', 'o-noop')).toHaveLength(1);
    expect(await fhir.versionsByMessage(b!)).toEqual([{ type: 'Patient', id: 'p-noop', versionId: '2' }]);
    expect(await messages.get(b!)).toMatchObject({ status: 'converted', resourceCount: 2 });
    expect((await fhir.search('Organization', { identifier: 'urn:fac|H' })).resources.map((r) => r.id)).toEqual(['o-noop']);
    // A PATCH that changes nothing is a no-op too; inside one batch the second of two equal PUTs is.
    await conversions.commit([
      converted(c!, patch('Organization/o-noop', [{ op: 'replace', path: '/name', value: 'Hosp' }])),
      converted(d!, put(patient('p-noop', 'MRN-NOOP', 'Changed')), put(patient('p-noop', 'MRN-NOOP', 'Changed'))),
    ]);
    expect(await fhir.history('Organization', 'o-noop')).toHaveLength(1);
    expect((await fhir.read('Patient', 'p-noop'))!.meta!.versionId).toBe('2');
    expect(await fhir.versionsByMessage(d!)).toEqual([]);
    // Any other change, meta.tag included, is a new version.
    const [e] = await received(1);
    await conversions.commit([converted(e!, put({ ...org, meta: { tag: [{ code: 'u' }] } }))]);
    expect((await fhir.read('Organization', 'o-noop'))!.meta).toMatchObject({ versionId: '2', tag: [{ code: 'u' }] });
  });

  it('concurrent commits changing the same shared resource both apply: versions 2 and 3, no lost update', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `o-hot-${round}`;
      const [first, a, b] = await received(3);
      await conversions.commit([converted(first!, put({ resourceType: 'Organization', id, name: 'v1' }))]);
      const [ra, rb] = await Promise.all([
        conversions.commit([converted(a!, put({ resourceType: 'Organization', id, name: 'from-a' }), put(patient(`p-hot-a${round}`, `MRN-HA${round}`)))]),
        conversions.commit([converted(b!, put({ resourceType: 'Organization', id, name: 'from-b' }), put(patient(`p-hot-b${round}`, `MRN-HB${round}`)))]),
      ]);
      expect([ra!.get(a!), rb!.get(b!)]).toEqual(['applied', 'applied']);
      const history = await fhir.history('Organization', id);
      expect(history.map((r) => r.meta?.versionId)).toEqual(['3', '2', '1']);
      expect(history.map((r) => r['name']).sort()).toEqual(['from-a', 'from-b', 'v1']);
      const current = await fhir.read('Organization', id);
      expect(current).toEqual(history[0]);
      const versionOf = async (m: string): Promise<string | undefined> => (await fhir.versionsByMessage(m)).find((v) => v.type === 'Organization')?.versionId;
      expect([await versionOf(a!), await versionOf(b!)].sort()).toEqual(['2', '3']);
      expect(await fhir.read('Patient', `p-hot-a${round}`)).toBeDefined();
      expect(await fhir.read('Patient', `p-hot-b${round}`)).toBeDefined();
    }
  });

  it('applies a PATCH to an existing resource, keeping type and id', async () => {
    const [a, b] = await received(2);
    await conversions.commit([converted(a!, put(patient('p-patch', 'MRN-P', 'Before')))]);
    await conversions.commit([
      converted(
        b!,
        patch('Patient/p-patch', [
          { op: 'test', path: '/name/0/family', value: 'Before' },
          { op: 'replace', path: '/name/0/family', value: 'After' },
          { op: 'add', path: '/identifier/-', value: { system: 'urn:other', value: 'X-1' } },
          { op: 'add', path: '/active', value: true },
        ]),
      ),
    ]);
    const read = await fhir.read('Patient', 'p-patch');
    expect(read).toMatchObject({ resourceType: 'Patient', id: 'p-patch', active: true, name: [{ family: 'After' }], meta: { versionId: '2' } });
    expect((await fhir.search('Patient', { identifier: 'urn:other|X-1' })).resources.map((r) => r.id)).toEqual(['p-patch']);
    expect(await messages.get(b!)).toMatchObject({ status: 'converted', resourceCount: 1 });
  });

  it('applies a PATCH to a missing resource from {resourceType, id}; an impossible one fails its message only', async () => {
    const [a, b, c] = await received(3);
    const result = await conversions.commit([
      converted(a!, patch('Patient/p-new', [{ op: 'add', path: '/identifier', value: [{ system: 'urn:mrn', value: 'MRN-NEW' }] }])),
      converted(b!, put(patient('p-fine', 'MRN-F')), patch('Patient/p-absent', [{ op: 'replace', path: '/name/0/family', value: 'X' }])),
      converted(c!, put(patient('p-after', 'MRN-A'))),
    ]);
    expect([...result.values()]).toEqual(['applied', 'applied', 'applied']);
    expect(await fhir.read('Patient', 'p-new')).toMatchObject({ resourceType: 'Patient', id: 'p-new', meta: { versionId: '1' } });
    const failedMessage = await messages.get(b!);
    expect(failedMessage).toMatchObject({ status: 'failed', attempts: 1 });
    expect(JSON.stringify(failedMessage!.outcome)).toContain('FHIR_PATCH_FAILED');
    expect(await fhir.read('Patient', 'p-fine')).toBeUndefined();
    expect(await fhir.read('Patient', 'p-absent')).toBeUndefined();
    expect(await fhir.read('Patient', 'p-after')).toBeDefined();
  });

  it('refuses unsupported entries by failing the message', async () => {
    const [m] = await received(1);
    await conversions.commit([
      { messageId: m!, kind: 'converted', bundle: bundle({ resource: patient('p-post', 'MRN-POST'), request: { method: 'POST', url: 'Patient' } }) },
    ]);
    expect(await messages.get(m!)).toMatchObject({ status: 'failed' });
    expect(JSON.stringify((await messages.get(m!))!.outcome)).toContain('FHIR_ENTRY_UNSUPPORTED');
  });

  it('searches by identifier and patient over current versions only (old index rows removed)', async () => {
    const [a, b] = await received(2);
    await conversions.commit([
      converted(a!, put(patient('p-s1', 'MRN-S1')), put(patient('p-s2', 'MRN-S2')), put(encounter('e-s', 'p-s1')), put({
        resourceType: 'Coverage', id: 'c-s', status: 'active', beneficiary: { reference: 'Patient/p-s1' }, payor: [{ reference: 'Organization/o' }],
      })),
    ]);
    const ids = async (type: string, criteria: Parameters<FhirRepository['search']>[1]): Promise<(string | undefined)[]> =>
      (await fhir.search(type, criteria)).resources.map((r) => r.id).sort();
    expect(await ids('Patient', { identifier: 'urn:mrn|MRN-S1' })).toEqual(['p-s1']);
    expect(await ids('Patient', { identifier: 'MRN-S2' })).toEqual(['p-s2']);
    expect(await ids('Patient', { identifier: '|MRN-S2' })).toEqual([]);
    expect(await ids('Patient', { identifier: 'urn:other|MRN-S1' })).toEqual([]);
    expect(await ids('Encounter', { patient: 'Patient/p-s1' })).toEqual(['e-s']);
    expect(await ids('Coverage', { patient: 'p-s1' })).toEqual(['c-s']);
    // Update: the encounter moves to p-s2, p-s1 changes MRN.
    await conversions.commit([converted(b!, put(patient('p-s1', 'MRN-S1B')), put(encounter('e-s', 'p-s2')))]);
    expect(await ids('Patient', { identifier: 'urn:mrn|MRN-S1' })).toEqual([]);
    expect(await ids('Patient', { identifier: 'urn:mrn|MRN-S1B' })).toEqual(['p-s1']);
    expect(await ids('Encounter', { patient: 'Patient/p-s1' })).toEqual([]);
    expect(await ids('Encounter', { patient: 'p-s2' })).toEqual(['e-s']);
    const page = await fhir.search('Encounter', { patient: 'p-s2', count: 0 });
    expect(page).toEqual({ total: 1, resources: [] });
  });

  it('pages search results with count and offset', async () => {
    const [m] = await received(1);
    await conversions.commit([converted(m!, ...Array.from({ length: 5 }, (_, i) => put(encounter(`e-page-${i}`, 'p-page'))))]);
    const first = await fhir.search('Encounter', { patient: 'p-page', count: 2 });
    const rest = await fhir.search('Encounter', { patient: 'p-page', count: 10, offset: 2 });
    expect(first.total).toBe(5);
    expect(first.resources).toHaveLength(2);
    expect(rest.resources).toHaveLength(3);
    expect(new Set([...first.resources, ...rest.resources].map((r) => r.id)).size).toBe(5);
  });

  it('concurrent commits of the same message apply it once', async () => {
    const [m] = await received(1);
    const outcome = converted(m!, put(patient('p-race', 'MRN-RACE')));
    const results = await Promise.all([conversions.commit([outcome]), conversions.commit([outcome]), conversions.commit([outcome])]);
    expect(results.map((r) => r.get(m!)).sort()).toEqual(['applied', 'skipped', 'skipped']);
    expect(await fhir.history('Patient', 'p-race')).toHaveLength(1);
    expect(await messages.get(m!)).toMatchObject({ attempts: 1 });
  });

  it('concurrent batches touching the same new and existing resources get distinct, gapless versions', async () => {
    const ids = await received(8);
    await Promise.all(
      ids.map((id, i) => conversions.commit([converted(id, put({ resourceType: 'Organization', id: 'o-shared', name: `v${i}` }), put(patient(`p-c${i}`, `MRN-C${i}`)))])),
    );
    const history = await fhir.history('Organization', 'o-shared');
    expect(history.map((r) => r.meta?.versionId)).toEqual(['8', '7', '6', '5', '4', '3', '2', '1']);
    expect((await fhir.read('Organization', 'o-shared'))!.meta!.versionId).toBe('8');
  });
});

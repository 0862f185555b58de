import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { BundleEntry, FhirResource } from '@hie/fhir';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { ConversionRepository } from './conversion.repository.js';
import { ErasureRepository } from './erasure.repository.js';
import { FhirRepository } from './fhir.repository.js';
import { MessageRepository } from './message.repository.js';
import { ProtectionRepository } from './protection.repository.js';
import { recordFor } from './protect/protection.test-kit.js';

const DATA_KEY = '0190a0a0-0000-7000-8000-000000000002';

function put(resource: FhirResource): BundleEntry {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}
const patient = (id: string, mrn: string): FhirResource => ({ resourceType: 'Patient', id, identifier: [{ system: 'urn:mrn', value: mrn }] });
const encounter = (id: string, patientId: string, status = 'finished'): FhirResource =>
  ({ resourceType: 'Encounter', id, status, class: { code: 'IMP' }, subject: { reference: `Patient/${patientId}` } });
const observation = (id: string, patientId: string): FhirResource =>
  ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patientId}` } });
const organization: FhirResource = { resourceType: 'Organization', id: 'org-1', name: 'Hospital' };

describe.each(STORE_DRIVERS)('ErasureRepository on %s', (driver) => {
  let store: TestStore;
  let messages: MessageRepository;
  let fhir: FhirRepository;
  let protection: ProtectionRepository;
  let erasure: ErasureRepository;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    store = await openTestStore(driver);
    messages = new MessageRepository(store.dataSource);
    fhir = new FhirRepository(store.dataSource);
    protection = new ProtectionRepository(store.dataSource);
    erasure = new ErasureRepository(store.dataSource);
    const conversions = new ConversionRepository(store.dataSource);
    const perMessage: Record<string, BundleEntry[]> = {
      // Patient x: its own resources, one (Basic) not in the patient index, only in its protected records.
      m1: [put(organization), put(patient('p-x', 'MRN-X')), put(encounter('e-x', 'p-x')), put(observation('o-x', 'p-x')),
        put({ resourceType: 'Basic', id: 'b-x', code: { text: 'note' } })],
      // An update of x's encounter; the shared organization changes too.
      m2: [put({ ...organization, name: 'Hospital 2' }), put(encounter('e-x', 'p-x', 'cancelled'))],
      // Patient y, untouched by x's erasure; the organization unchanged (no-op).
      m3: [put({ ...organization, name: 'Hospital 2' }), put(patient('p-y', 'MRN-Y')), put(encounter('e-y', 'p-y'))],
      // x's observation not protected yet: found through the search index alone.
      m4: [put(observation('o-x2', 'p-x'))],
    };
    const raw = Buffer.from('MSH|^~\\&|LAB|HOSP|||20250101||ADT^A01|1|P|2.5\rPID|1||MRN-X||DOE^JOHN\r');
    for (const [name, entries] of Object.entries(perMessage)) {
      ids[name] = uuidv7();
      await messages.insertMany([{ id: ids[name]!, receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw, sizeBytes: raw.length, status: 'received' }]);
      await conversions.commit([{ messageId: ids[name]!, kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries } }]);
    }
    const subjectOf = (type: string, id: string): string =>
      type === 'Organization' ? 'subj-org' : id.endsWith('-y') ? 'subj-y' : 'subj-x';
    const versions = await protection.versionsToProtect([ids['m1']!, ids['m2']!, ids['m3']!]);
    await protection.recordProtection(versions.map((v) => recordFor(v, subjectOf(v.type, v.id), DATA_KEY)), [ids['m1']!, ids['m2']!, ids['m3']!]);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("deletes exactly the subject's resources, redacts the raw messages that wrote them, and keeps protected records", async () => {
    const recordsBefore = await protection.recordsOfSubject('subj-x');
    expect(recordsBefore.map((r) => `${r.type}/${r.id}/${r.versionId}`)).toEqual(
      ['Basic/b-x/1', 'Encounter/e-x/1', 'Encounter/e-x/2', 'Observation/o-x/1', 'Patient/p-x/1'],
    );
    const at = new Date(Date.UTC(2025, 8, 1, 10, 0, 0, 500));
    const result = await erasure.eraseSubject({ subjectKey: 'subj-x', patientId: 'p-x', at });
    expect(result).toEqual({ resourcesDeleted: 5, messagesRedacted: 3, cids: [...new Set(recordsBefore.map((r) => r.cid))].sort(), dicomInstancesDeleted: 0 });

    for (const [type, id] of [['Patient', 'p-x'], ['Encounter', 'e-x'], ['Observation', 'o-x'], ['Observation', 'o-x2'], ['Basic', 'b-x']] as const) {
      expect(await fhir.read(type, id)).toBeUndefined();
      expect(await fhir.history(type, id)).toEqual([]);
    }
    expect((await fhir.search('Patient', { identifier: 'urn:mrn|MRN-X' })).total).toBe(0);
    expect((await fhir.search('Encounter', { patient: 'p-x' })).total).toBe(0);
    expect((await fhir.search('Observation', { patient: 'p-x' })).total).toBe(0);
    // Another patient and the shared organization stay, with their history and index.
    expect(await fhir.read('Patient', 'p-y')).toBeDefined();
    expect((await fhir.search('Patient', { identifier: 'urn:mrn|MRN-Y' })).total).toBe(1);
    expect((await fhir.search('Encounter', { patient: 'p-y' })).total).toBe(1);
    expect(await fhir.history('Organization', 'org-1')).toHaveLength(2);

    for (const name of ['m1', 'm2', 'm4']) {
      const m = await messages.get(ids[name]!);
      expect(m!.raw.length).toBe(0);
      expect(m!.erasedAt).toEqual(at);
    }
    const untouched = await messages.get(ids['m3']!);
    expect(untouched!.raw.length).toBeGreaterThan(0);
    expect(untouched!.erasedAt).toBeUndefined();

    // Protected records stay: they hold keyed hashes and CIDs only.
    expect(await protection.recordsOfSubject('subj-x')).toEqual(recordsBefore);
    expect(await protection.findRecord('Patient', 'p-x')).toMatchObject({ subjectKey: 'subj-x', versionId: 1 });
    expect(await protection.recordsOfSubject('subj-y')).toHaveLength(2);

    // A repeat finds nothing more to delete or redact.
    expect(await erasure.eraseSubject({ subjectKey: 'subj-x', patientId: 'p-x', at: new Date() })).toEqual({ ...result, resourcesDeleted: 0, messagesRedacted: 0 });
    expect((await messages.get(ids['m1']!))!.erasedAt).toEqual(at);
  });

  it('records erasures and finds them by subject', async () => {
    const first = { id: uuidv7(), subjectKey: 'subj-log', erasedAt: new Date(Date.UTC(2025, 0, 1)), dataKeysDestroyed: 1, resourcesDeleted: 5, contentsUnpinned: 4, messagesRedacted: 3 };
    const second = { ...first, id: uuidv7(), erasedAt: new Date(Date.UTC(2025, 0, 2)), ledgerTx: '0xabc' };
    await erasure.recordErasure(second);
    await erasure.recordErasure(first);
    expect(await erasure.findErasures('subj-log')).toEqual([first, second]);
    expect(await erasure.findErasures('subj-other')).toEqual([]);
  });

  it('refuses a patient id that is not a FHIR id', async () => {
    await expect(erasure.eraseSubject({ subjectKey: 's', patientId: "x' OR 1=1", at: new Date() })).rejects.toMatchObject({ code: 'STORE_BAD_ERASURE' });
  });
});

/**
 * Store write throughput, the engine's hot path: intake `insertMany` of a batch, then the
 * worker's `commit` of its conversions (15 resources per message, ~0.3-1 KB each; the
 * Organization and Practitioners are shared across messages, as in real feeds).
 * Run: `npx vitest run --config libs/store/bench/vitest.config.ts` (real PostgreSQL and a SQLite
 * temp file; prints messages/s). Not part of `npm test`: it measures, it does not assert.
 * Env: STORE_BENCH_BATCH (messages per commit, default 100), STORE_BENCH_SECONDS (default 8).
 */
import { it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { BundleEntry, FhirResource } from '@hie/fhir';
import { ConversionRepository, MessageRepository } from '@hie/store';
import type { ConversionOutcome } from '@hie/store';
import { openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';

const BATCH = Number(process.env['STORE_BENCH_BATCH'] ?? 100);
const RAW = Buffer.from(`MSH|^~\\&|LAB|HOSP|||20250101||ORU^R01|X|P|2.5\r${'OBX|1|NM|x^y||42|mg||||||F\r'.repeat(20)}`);
function entries(n: number): BundleEntry[] {
  const pid = `p-${n}`;
  const resources: FhirResource[] = [
    { resourceType: 'Patient', id: pid, identifier: [{ system: 'urn:mrn', value: `MRN${n}` }], name: [{ family: 'Fam', given: ['Giv'] }], birthDate: '1970-01-01', address: [{ line: ['1 Main St'], city: 'Town', postalCode: '12345' }] },
    { resourceType: 'Encounter', id: `e-${n}`, status: 'finished', class: { code: 'IMP' }, subject: { reference: `Patient/${pid}` }, identifier: [{ value: `V${n}` }] },
    { resourceType: 'Organization', id: 'org-hosp', name: 'Hospital', identifier: [{ system: 'urn:fac', value: 'HOSP' }] },
    { resourceType: 'Practitioner', id: `pr-${n % 20}`, name: [{ family: 'Doc' }], identifier: [{ value: `NPI${n % 20}` }] },
    { resourceType: 'DiagnosticReport', id: `dr-${n}`, status: 'final', code: { text: 'Panel' }, subject: { reference: `Patient/${pid}` } },
    { resourceType: 'MessageHeader', id: `mh-${n}`, eventCoding: { code: 'R01' }, source: { endpoint: 'urn:lab' } },
    ...Array.from({ length: 9 }, (_, i): FhirResource => ({
      resourceType: 'Observation', id: `o-${n}-${i}`, status: 'final', identifier: [{ system: 'urn:obs', value: `${n}.${i}` }],
      code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] },
      subject: { reference: `Patient/${pid}` }, valueQuantity: { value: 42 + i, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      referenceRange: [{ low: { value: 70 }, high: { value: 110 }, text: '70-110' }], effectiveDateTime: '2025-01-01T10:00:00Z',
    })),
  ];
  return resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }));
}
const SECONDS = Number(process.env['STORE_BENCH_SECONDS'] ?? 8);
let counter = 0;
for (const driver of ['postgres', 'sqlite'] as const) {
  it(`${driver}: insertMany + commit, ${BATCH} messages x 15 resources per batch`, async () => {
    const store = await openTestStore(driver);
    const messages = new MessageRepository(store.dataSource);
    const conversions = new ConversionRepository(store.dataSource);
    const times = { insert: 0, commit: 0 };
    const batch = async (): Promise<void> => {
      const ids = Array.from({ length: BATCH }, () => uuidv7());
      let t = performance.now();
      await messages.insertMany(ids.map((id) => ({ id, receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw: RAW, sizeBytes: RAW.length, status: 'received' })));
      times.insert += performance.now() - t;
      const outcomes: ConversionOutcome[] = ids.map((messageId) => ({ messageId, kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries(counter++) } }));
      t = performance.now();
      await conversions.commit(outcomes);
      times.commit += performance.now() - t;
    };
    try {
      for (const committers of [1, 2]) {
        times.insert = times.commit = 0;
        let batches = 0;
        const start = performance.now();
        while (performance.now() - start < SECONDS * 1000) {
          await Promise.all(Array.from({ length: committers }, batch));
          batches += committers;
        }
        const seconds = (performance.now() - start) / 1000;
        const rate = (batches * BATCH) / seconds;
        console.log(
          `${driver}, ${committers} committer(s): ${rate.toFixed(0)} messages/s, ${(rate * 15).toFixed(0)} resource versions/s; ` +
            `per batch: insertMany ${(times.insert / batches).toFixed(1)} ms, commit ${(times.commit / batches).toFixed(1)} ms`,
        );
      }
    } finally {
      await store.close();
    }
  }, 600_000);
}

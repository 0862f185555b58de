import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { BundleEntry, FhirResource } from '@hie/fhir';
import { openDatabase } from './open-database.js';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { ConversionRepository } from './conversion.repository.js';
import { MessageRepository } from './message.repository.js';
import { ProtectionRepository } from './protection.repository.js';
import type { ClaimBatchInput, NewProtectedRecord } from './protect/protection.model.js';
import { buildTestTree, recordFor, rootFromProof, sha256Hex } from './protect/protection.test-kit.js';

const DATA_KEY = '0190a0a0-0000-7000-8000-000000000001';

function put(resource: FhirResource): BundleEntry {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}
function patient(id: string, family = 'Doe'): FhirResource {
  return { resourceType: 'Patient', id, name: [{ family }] };
}
function encounter(id: string, patientId: string): FhirResource {
  return { resourceType: 'Encounter', id, status: 'finished', class: { code: 'IMP' }, subject: { reference: `Patient/${patientId}` } };
}

describe.each(STORE_DRIVERS)('ProtectionRepository on %s', (driver) => {
  let store: TestStore;
  let messages: MessageRepository;
  let conversions: ConversionRepository;
  let protection: ProtectionRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    ({ messages, conversions, protection } = repos(store));
  });
  afterAll(async () => {
    await store?.close();
  });

  function repos(s: TestStore): { messages: MessageRepository; conversions: ConversionRepository; protection: ProtectionRepository } {
    return { messages: new MessageRepository(s.dataSource), conversions: new ConversionRepository(s.dataSource), protection: new ProtectionRepository(s.dataSource) };
  }

  /** Receives and converts one message per entry list; returns their ids. */
  async function convert(s: TestStore, ...perMessage: BundleEntry[][]): Promise<string[]> {
    const r = repos(s);
    const ids = perMessage.map(() => uuidv7());
    const raw = Buffer.from('MSH|^~\\&|');
    await r.messages.insertMany(ids.map((id) => ({ id, receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw, sizeBytes: raw.length, status: 'received' })));
    await r.conversions.commit(ids.map((id, i) => ({ messageId: id, kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: perMessage[i]! } })));
    return ids;
  }

  /** Protects every pending version of the messages (as the pipeline does) and records them. */
  async function protect(s: TestStore, ids: string[], subjectKey = 'subject-a'): Promise<{ records: NewProtectedRecord[]; result: Awaited<ReturnType<ProtectionRepository['recordProtection']>> }> {
    const r = repos(s);
    const records = (await r.protection.versionsToProtect(ids)).map((v) => recordFor(v, subjectKey, DATA_KEY));
    return { records, result: await r.protection.recordProtection(records, ids) };
  }

  function claim(s: TestStore, overrides: Partial<ClaimBatchInput> = {}): ReturnType<ProtectionRepository['claimBatch']> {
    return repos(s).protection.claimBatch({
      batchId: uuidv7(), ledger: 'embedded', maxLeaves: 1000, minIntervalMillis: 0, now: new Date(), build: buildTestTree, ...overrides,
    });
  }

  it('lists the versions of converted messages that are not protected yet', async () => {
    const [a, b] = await convert(store, [put(patient('pv-1')), put(encounter('ev-1', 'pv-1'))], [put(patient('pv-2'))]);
    const [notConverted] = [uuidv7()];
    const versions = await protection.versionsToProtect([a!, b!, notConverted!, 'junk']);
    expect(versions.map((v) => [v.messageId, v.type, v.id, v.versionId])).toEqual(
      [[a, 'Encounter', 'ev-1', 1], [a, 'Patient', 'pv-1', 1], [b, 'Patient', 'pv-2', 1]].sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0)),
    );
    expect(JSON.parse(versions.find((v) => v.id === 'pv-1')!.content)).toMatchObject({ resourceType: 'Patient', id: 'pv-1', meta: { versionId: '1' } });
    await protection.recordProtection([recordFor(versions.find((v) => v.id === 'pv-1')!, 'subject-a', DATA_KEY)], []);
    expect((await protection.versionsToProtect([a!])).map((v) => v.id)).toEqual(['ev-1']);
    expect(await protection.versionsToProtect([])).toEqual([]);
  });

  it('moves fully protected messages to stored, no-op messages to anchored, and leaves partly protected ones converted', async () => {
    const [first] = await convert(store, [put(patient('ps-1')), put(encounter('es-1', 'ps-1'))]);
    // The same content again: every PUT is a no-op, so the message writes no version at all.
    const [noop, partial] = await convert(store, [put(patient('ps-1'))], [put(patient('ps-2')), put(encounter('es-2', 'ps-2'))]);
    const before = (await messages.get(partial!))!.updatedAt;
    const all = await protection.versionsToProtect([first!, noop!, partial!]);
    expect(all.filter((v) => v.messageId === noop)).toEqual([]);
    const records = all.map((v) => recordFor(v, 'subject-s', DATA_KEY));
    const onePartial = records.filter((r) => r.messageId === partial).slice(0, 1);
    const result = await protection.recordProtection([...records.filter((r) => r.messageId === first), ...onePartial], [first!, noop!, partial!]);
    expect(result).toEqual({ stored: [first], anchored: [noop] });
    expect((await messages.getMany([first!, noop!, partial!])).map((m) => m.status)).toEqual(['stored', 'anchored', 'converted']);
    expect((await messages.get(first!))!.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // The rest of the partial message: now it is stored; the others are not converted any more.
    const rest = await protection.recordProtection(records.filter((r) => r.messageId === partial), [first!, noop!, partial!]);
    expect(rest).toEqual({ stored: [partial], anchored: [] });
  });

  it('keeps the first record when a job is redelivered', async () => {
    const [m] = await convert(store, [put(patient('pr-1'))]);
    const [v] = await protection.versionsToProtect([m!]);
    const first = recordFor(v!, 'subject-r', DATA_KEY, 'first');
    const second = recordFor(v!, 'subject-r', DATA_KEY, 'second');
    expect(first.cid).not.toBe(second.cid);
    expect(await protection.recordProtection([first], [m!])).toEqual({ stored: [m], anchored: [] });
    expect(await protection.recordProtection([second], [m!])).toEqual({ stored: [], anchored: [] });
    expect(await protection.findRecord('Patient', 'pr-1')).toMatchObject({ cid: first.cid, keyedHash: first.keyedHash, versionId: 1, messageId: m });
    expect(await protection.recordsOfSubject('subject-r')).toEqual([{ type: 'Patient', id: 'pr-1', versionId: 1, cid: first.cid, messageId: m }]);
  });

  it('refuses malformed records (hashes must be 64 lowercase hex chars)', async () => {
    const [m] = await convert(store, [put(patient('pbad-1'))]);
    const [v] = await protection.versionsToProtect([m!]);
    const good = recordFor(v!, 'subject-bad', DATA_KEY);
    await expect(protection.recordProtection([{ ...good, keyedHash: good.keyedHash.toUpperCase() }], [m!])).rejects.toMatchObject({ code: 'STORE_BAD_RECORD', details: { field: 'keyedHash' } });
    await expect(protection.recordProtection([{ ...good, messageId: 'x' }], [m!])).rejects.toMatchObject({ code: 'STORE_BAD_RECORD' });
    expect((await messages.get(m!))!.status).toBe('converted');
  });

  it('finds messages converted before a cutoff', async () => {
    const fresh = await openTestStore(driver);
    try {
      const [a, b] = await convert(fresh, [put(patient('pc-1'))], [put(patient('pc-2'))]);
      await protect(fresh, [b!]);
      const r = repos(fresh).protection;
      expect(await r.findConvertedBefore(new Date(Date.now() + 60_000), 10)).toEqual([a]);
      expect(await r.findConvertedBefore(new Date(Date.now() - 60_000), 10)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('claims batches: none while one is pending or within the minimum interval; maxLeaves in a stable order; proofs stored', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = repos(fresh).protection;
      expect(await claim(fresh)).toBeUndefined();
      const [m1] = await convert(fresh, [put(patient('pb-1')), put(encounter('eb-1', 'pb-1')), put(encounter('eb-0', 'pb-1'))]);
      await protect(fresh, [m1!]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const [m2] = await convert(fresh, [put(patient('pb-0')), put(encounter('eb-9', 'pb-0'))]);
      await protect(fresh, [m2!]);
      expect(await r.stageCounts()).toEqual({ unbatchedRecords: 5, pendingBatches: 0, anchoredBatches: 0 });

      const t0 = new Date(Date.UTC(2030, 0, 1));
      const firstId = uuidv7();
      let built: string[] = [];
      const batch = await claim(fresh, {
        batchId: firstId, maxLeaves: 4, now: t0, minIntervalMillis: 60_000,
        build: (leaves) => {
          built = leaves.map((l) => l.keyedHash);
          return buildTestTree(leaves);
        },
      });
      // Oldest records first (m1's), by key within one commit; then m2's oldest by key.
      const expectedOrder = ['Encounter/eb-0', 'Encounter/eb-1', 'Patient/pb-1', 'Encounter/eb-9'];
      expect(built).toEqual(expectedOrder.map((k) => sha256Hex(`keyed:${k}/1`)));
      expect(batch).toEqual({ id: firstId, root: buildTestTree(built.map((keyedHash) => ({ keyedHash }))).root, leafCount: 4, status: 'pending', ledger: 'embedded', createdAt: t0, attempts: 0 });
      expect(await r.pendingBatches()).toEqual([batch]);
      expect(await r.stageCounts()).toEqual({ unbatchedRecords: 1, pendingBatches: 1, anchoredBatches: 0 });
      // A pending batch blocks the next claim, whatever the interval.
      expect(await claim(fresh, { now: new Date(t0.getTime() + 3_600_000), minIntervalMillis: 0 })).toBeUndefined();

      for (const [i, key] of expectedOrder.entries()) {
        const [type, id] = key.split('/') as [string, string];
        const view = await r.findRecord(type, id, 1);
        expect(view).toMatchObject({ leafIndex: i, batch: { id: firstId, status: 'pending', root: batch!.root } });
        expect(rootFromProof(view!.keyedHash, view!.leafIndex!, view!.proof!)).toBe(batch!.root);
      }
      expect(await r.findRecord('Patient', 'pb-0')).toMatchObject({ versionId: 1 });
      expect((await r.findRecord('Patient', 'pb-0'))!.batch).toBeUndefined();
      expect(await r.findRecord('Patient', 'pb-0', 2)).toBeUndefined();

      await r.markBatchAttempt(firstId, 'LEDGER_TIMEOUT');
      await r.markBatchAttempt(firstId, 'ECONNREFUSED');
      await expect(r.markBatchAttempt(firstId, 'Patient Doe not found')).rejects.toMatchObject({ code: 'STORE_BAD_ERROR_CODE' });
      expect(await r.findBatch(firstId)).toMatchObject({ attempts: 2, lastError: 'ECONNREFUSED', status: 'pending' });

      await r.markBatchAnchored(firstId, { txHash: `0x${'ab'.repeat(32)}`, blockNumber: 7, at: new Date(t0.getTime() + 5000) });
      // Within the minimum interval after the last batch was ANCHORED (not created): nothing.
      expect(await claim(fresh, { now: new Date(t0.getTime() + 59_000), minIntervalMillis: 60_000 })).toBeUndefined();
      expect(await claim(fresh, { now: new Date(t0.getTime() + 61_000), minIntervalMillis: 60_000 })).toBeUndefined();
      const second = await claim(fresh, { now: new Date(t0.getTime() + 65_001), minIntervalMillis: 60_000 });
      expect(second).toMatchObject({ leafCount: 1, status: 'pending' });
      expect(await r.findRecord('Patient', 'pb-0')).toMatchObject({ leafIndex: 0, batch: { id: second!.id } });
      expect(await r.stageCounts()).toEqual({ unbatchedRecords: 0, pendingBatches: 1, anchoredBatches: 1 });
      expect(await r.findRecord('Patient', 'pb-1')).toMatchObject({
        batch: { status: 'anchored', txHash: `0x${'ab'.repeat(32)}`, blockNumber: 7, anchoredAt: new Date(t0.getTime() + 5000) },
      });
    } finally {
      await fresh.close();
    }
  });

  it('rolls a claim back when build returns a tree that does not fit', async () => {
    const fresh = await openTestStore(driver);
    try {
      const [m] = await convert(fresh, [put(patient('pt-1')), put(patient('pt-2'))]);
      await protect(fresh, [m!]);
      await expect(claim(fresh, { build: (leaves) => ({ root: 'XYZ', proofs: leaves.map(() => Buffer.alloc(0)) }) })).rejects.toMatchObject({ code: 'STORE_BAD_MERKLE_TREE' });
      await expect(claim(fresh, { build: () => ({ root: sha256Hex('r'), proofs: [] }) })).rejects.toMatchObject({ code: 'STORE_BAD_MERKLE_TREE' });
      const r = repos(fresh).protection;
      expect(await r.stageCounts()).toEqual({ unbatchedRecords: 2, pendingBatches: 0, anchoredBatches: 0 });
      expect(await claim(fresh)).toMatchObject({ leafCount: 2 });
    } finally {
      await fresh.close();
    }
  });

  it('anchors a message only when all its records are in anchored batches; markBatchAnchored is idempotent', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = repos(fresh);
      const [big] = await convert(fresh, [put(patient('pa-1')), put(encounter('ea-1', 'pa-1')), put(encounter('ea-2', 'pa-1'))]);
      await protect(fresh, [big!]);
      const [small] = await convert(fresh, [put(patient('pa-9'))]);
      await protect(fresh, [small!]);
      const t0 = new Date(Date.UTC(2030, 0, 1));
      const b1 = await claim(fresh, { maxLeaves: 2, now: t0 });
      const receipt = { txHash: '0x01', blockNumber: 1, at: t0 };
      expect(await r.protection.markBatchAnchored(b1!.id, receipt)).toEqual({ messagesAnchored: 0 });
      expect((await r.messages.get(big!))!.status).toBe('stored');
      const b2 = await claim(fresh, { maxLeaves: 10, now: new Date(t0.getTime() + 1) });
      expect(b2!.leafCount).toBe(2);
      expect(await r.protection.markBatchAnchored(b2!.id, { ...receipt, txHash: '0x02', blockNumber: 2 })).toEqual({ messagesAnchored: 2 });
      expect((await r.messages.getMany([big!, small!])).map((m) => m.status)).toEqual(['anchored', 'anchored']);
      // A repeat changes nothing: the receipt of the first call stays.
      expect(await r.protection.markBatchAnchored(b2!.id, { txHash: '0xff', blockNumber: 99, at: new Date() })).toEqual({ messagesAnchored: 0 });
      expect(await r.protection.findBatch(b2!.id)).toMatchObject({ status: 'anchored', txHash: '0x02', blockNumber: 2 });
      expect(await r.protection.pendingBatches()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('moves a reprocessed message straight to anchored when its versions are already anchored', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = repos(fresh);
      const entries = [put(patient('pq-1')), put(encounter('eq-1', 'pq-1'))];
      const [m] = await convert(fresh, entries);
      await protect(fresh, [m!]);
      const batch = await claim(fresh);
      await r.protection.markBatchAnchored(batch!.id, { txHash: '0x03', blockNumber: 3, at: new Date() });
      expect((await r.messages.get(m!))!.status).toBe('anchored');
      expect(await r.messages.markForReprocess([m!])).toBe(1);
      await r.conversions.commit([{ messageId: m!, kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries } }]);
      expect(await r.protection.versionsToProtect([m!])).toEqual([]);
      expect(await r.protection.recordProtection([], [m!])).toEqual({ stored: [], anchored: [m] });
    } finally {
      await fresh.close();
    }
  });

  it('stores many leaves in one batch (packed proofs)', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = repos(fresh).protection;
      const n = 3000;
      const records = Array.from({ length: n }, (_, i) => recordFor({ messageId: uuidv7(), type: 'Observation', id: `o-${i}`, versionId: 1 }, 'subject-many', DATA_KEY));
      await r.recordProtection(records, []);
      const batch = await claim(fresh, { maxLeaves: 5000 });
      expect(batch!.leafCount).toBe(n);
      for (const i of [0, 1, 1234, n - 1]) {
        const view = await r.findRecord('Observation', `o-${i}`);
        expect(view!.proof!.length).toBe(32 * Math.ceil(Math.log2(n)));
        expect(rootFromProof(view!.keyedHash, view!.leafIndex!, view!.proof!)).toBe(batch!.root);
      }
    } finally {
      await fresh.close();
    }
  });

  if (driver === 'postgres') {
    it('two processes claiming at once make one batch', async () => {
      const db = await createTestDatabase();
      const [a, b] = await Promise.all([openDatabase({ kind: 'postgres', url: db.url }), openDatabase({ kind: 'postgres', url: db.url })]);
      try {
        const ra = new ProtectionRepository(a);
        const rb = new ProtectionRepository(b);
        await ra.recordProtection(
          Array.from({ length: 50 }, (_, i) => recordFor({ messageId: uuidv7(), type: 'Observation', id: `oc-${i}`, versionId: 1 }, 'subject-c', DATA_KEY)),
          [],
        );
        const input = { ledger: 'embedded', maxLeaves: 30, minIntervalMillis: 0, now: new Date(), build: buildTestTree };
        for (let round = 0; round < 3; round++) {
          const results = await Promise.all([ra.claimBatch({ ...input, batchId: uuidv7() }), rb.claimBatch({ ...input, batchId: uuidv7() })]);
          expect(results.filter((x) => x !== undefined)).toHaveLength(round === 0 ? 1 : 0);
        }
        expect(await ra.pendingBatches()).toHaveLength(1);
        expect(await ra.stageCounts()).toEqual({ unbatchedRecords: 20, pendingBatches: 1, anchoredBatches: 0 });
      } finally {
        await Promise.all([a.destroy(), b.destroy()]);
        await db.drop();
      }
    });
  }
});

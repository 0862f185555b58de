import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import { STORE_DRIVERS, openTestStore } from '../../../../test/support/test-store.js';
import type { TestStore } from '../../../../test/support/test-store.js';
import { ErasureRepository } from '../erasure.repository.js';
import { MessageRepository } from '../message.repository.js';
import { ProtectionRepository } from '../protection.repository.js';
import { buildTestTree, sha256Hex } from '../protect/protection.test-kit.js';
import type { DicomInstanceCommit } from './dicom-instance.model.js';
import { DicomInstanceRepository } from './dicom-instance.repository.js';

const DATA_KEY = '0190a0a0-0000-7000-8000-0000000000d1';
const STUDY = '1.2.840.113619.2.1.1';
const SERIES_A = '1.2.840.113619.2.1.1.1';
const SERIES_B = '1.2.840.113619.2.1.1.2';

/** A commit of one instance version, as intake builds it (fake CID, real-looking hashes). */
function commitOf(
  sop: string, versionId: number, content: string,
  extra: { series?: string; seriesNumber?: number; instanceNumber?: number; patient?: string; messageId?: string; replaceFailed?: boolean } = {},
): DicomInstanceCommit {
  const messageId = extra.messageId ?? uuidv7();
  const recordId = `rec-${sop}`;
  const cid = `bafk${sha256Hex(`${sop}/${versionId}/${content}`).slice(0, 52)}`;
  const contentHash = sha256Hex(content);
  return {
    instance: {
      sopInstanceUid: sop, studyInstanceUid: STUDY, seriesInstanceUid: extra.series ?? SERIES_A, sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1', modality: 'CT', seriesNumber: extra.seriesNumber ?? 1, instanceNumber: extra.instanceNumber ?? 1,
      patientId: 'MRN123', issuerOfPatientId: 'HOSP', patientName: 'DOE^JOHN', ...(extra.patient ? { patientResourceId: extra.patient } : {}),
      studyDate: '20240102', studyTime: '101112', accessionNumber: 'ACC1', studyDescription: 'CT HEAD',
      recordId, versionId, messageId, cid, sizeBytes: 600_000, plaintextBytes: 5_000_000_000, contentHash, dataKeyId: DATA_KEY,
      metadata: JSON.stringify({ '00080060': { vr: 'CS', Value: ['CT'] } }), storedAt: new Date('2024-01-02T10:11:12.000Z'),
    },
    record: {
      type: 'DicomInstance', id: recordId, versionId, messageId, subjectKey: extra.patient ? `subj-${extra.patient}` : 'shared',
      dataKeyId: DATA_KEY, cid, contentOffset: 0, contentHash, keyedHash: sha256Hex(`keyed:${content}`), sizeBytes: 600_000,
    },
    message: {
      id: messageId, receivedAt: new Date(), channel: 'dimse', format: 'dicom', raw: Buffer.from(`{"kind":"dicom-instance","sop":"${sop}"}`),
      sizeBytes: 1000, messageType: 'DICOM', status: 'received',
    },
    ...(extra.replaceFailed ? { replaceFailed: true } : {}),
  };
}

describe.each(STORE_DRIVERS)('DicomInstanceRepository on %s', (driver) => {
  let store: TestStore;
  let repo: DicomInstanceRepository;
  let messages: MessageRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    repo = new DicomInstanceRepository(store.dataSource);
    messages = new MessageRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  async function count(table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
    const sql = driver === 'postgres' ? where.replace(/\?/g, (() => { let n = 0; return () => `$${++n}`; })()) : where;
    const rows = (await store.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${sql}`, params)) as { n: number | string }[];
    return Number(rows[0]!.n);
  }

  it('stores message, index row and protected record in one commit, and reads them back', async () => {
    const c = commitOf('1.2.3.100', 1, 'first', { patient: 'pat-1' });
    expect(await repo.commit(c)).toEqual({ kind: 'stored' });
    const row = await repo.findBySopInstanceUid('1.2.3.100');
    expect(row).toEqual(c.instance);
    expect(row!.plaintextBytes).toBe(5_000_000_000); // bigint survives both drivers
    const message = await messages.get(c.message.id);
    expect(message).toMatchObject({ format: 'dicom', channel: 'dimse', status: 'received', messageType: 'DICOM' });
    expect(message!.raw.equals(c.message.raw)).toBe(true);
    expect(message!.controlId).toBeUndefined();
    expect(await count('protected_record', "type = 'DicomInstance' AND id = ?", ['rec-1.2.3.100'])).toBe(1);
    expect(await repo.instancesOfMessage(c.message.id)).toHaveLength(1);
    expect(await repo.versionState('1.2.3.100', 'rec-1.2.3.100')).toEqual({
      latestVersion: 1, current: { versionId: 1, contentHash: sha256Hex('first'), messageId: c.message.id },
    });
    expect(await repo.versionState('9.9.9', 'rec-9.9.9')).toEqual({ latestVersion: 0 });
  });

  it('same content again: duplicate, nothing written', async () => {
    const first = await repo.findBySopInstanceUid('1.2.3.100');
    const again = commitOf('1.2.3.100', 2, 'first', { patient: 'pat-1' });
    expect(await repo.commit(again)).toEqual({ kind: 'duplicate', messageId: first!.messageId, versionId: 1 });
    expect(await messages.get(again.message.id)).toBeUndefined();
    expect(await count('protected_record', "type = 'DicomInstance' AND id = ?", ['rec-1.2.3.100'])).toBe(1);
  });

  it('new content: version 2, the index row points at it; a stale version number is refused as taken', async () => {
    const second = commitOf('1.2.3.100', 2, 'second', { patient: 'pat-1' });
    expect(await repo.commit(second)).toEqual({ kind: 'stored' });
    expect(await repo.findBySopInstanceUid('1.2.3.100')).toMatchObject({ versionId: 2, messageId: second.message.id, contentHash: sha256Hex('second') });
    expect(await repo.commit(commitOf('1.2.3.100', 2, 'third', { patient: 'pat-1' }))).toEqual({ kind: 'version-taken', latestVersion: 2 });
    expect(await count('dicom_instance', 'sop_instance_uid = ?', ['1.2.3.100'])).toBe(1);
    expect(await count('protected_record', "type = 'DicomInstance' AND id = ?", ['rec-1.2.3.100'])).toBe(2);
  });

  it('racing writers of one SOP Instance UID: one version each, never a duplicate key', async () => {
    const contenders = Array.from({ length: 6 }, (_, i) => commitOf('1.2.3.200', 1, `race-${i}`));
    const results = await Promise.all(contenders.map((c) => repo.commit(c)));
    expect(results.filter((r) => r.kind === 'stored')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'version-taken')).toHaveLength(5);
    expect(results.every((r) => r.kind !== 'version-taken' || r.latestVersion === 1)).toBe(true);
    // Identical racers: one stores, the rest see the duplicate.
    const same = Array.from({ length: 4 }, () => commitOf('1.2.3.201', 1, 'same'));
    const sameResults = await Promise.all(same.map((c) => repo.commit(c)));
    expect(sameResults.map((r) => r.kind).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'stored']);
  });

  it('lists a study in series/instance order', async () => {
    await repo.commit(commitOf('1.2.3.302', 1, 'b2', { series: SERIES_B, seriesNumber: 2, instanceNumber: 2 }));
    await repo.commit(commitOf('1.2.3.301', 1, 'b1', { series: SERIES_B, seriesNumber: 2, instanceNumber: 1 }));
    const study = await repo.instancesOfStudy(STUDY);
    const order = study.map((r) => r.sopInstanceUid);
    expect(order.indexOf('1.2.3.301')).toBeLessThan(order.indexOf('1.2.3.302'));
    expect(order.indexOf('1.2.3.100')).toBeLessThan(order.indexOf('1.2.3.301'));
    expect(await repo.instancesOfStudy('1.2.999')).toEqual([]);
  });

  it('reprocess: a failed DICOM message becomes the stored one; refusals update in place', async () => {
    const id = uuidv7();
    await messages.insertMany([{
      id, receivedAt: new Date(), channel: 'dicomweb', format: 'dicom', raw: Buffer.from('{"kind":"dicom-refused"}'), sizeBytes: 10,
      messageType: 'DICOM', status: 'failed', outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-long' }] },
    }]);
    const outcome = { resourceType: 'OperationOutcome' as const, issue: [{ severity: 'error' as const, code: 'structure' }] };
    expect(await repo.updateRefusal(id, outcome, Buffer.from('{"kind":"dicom-refused","n":2}'))).toBe(true);
    expect((await messages.get(id))!.outcome).toEqual(outcome);
    const c = commitOf('1.2.3.400', 1, 'reprocessed', { messageId: id, replaceFailed: true });
    expect(await repo.commit(c)).toEqual({ kind: 'stored' });
    const message = await messages.get(id);
    expect(message).toMatchObject({ status: 'received', channel: 'dimse' });
    expect(message!.outcome).toBeUndefined();
    expect(message!.raw.equals(c.message.raw)).toBe(true);
    // Not failed any more: a second reprocess finds it gone, writes nothing.
    expect(await repo.commit(commitOf('1.2.3.401', 1, 'x', { messageId: id, replaceFailed: true }))).toEqual({ kind: 'message-gone' });
    expect(await repo.findBySopInstanceUid('1.2.3.401')).toBeUndefined();
    expect(await repo.updateRefusal(id, outcome)).toBe(false);
    const dup = uuidv7();
    await messages.insertMany([{ id: dup, receivedAt: new Date(), channel: 'dimse', format: 'dicom', raw: Buffer.from('{}'), sizeBytes: 2, status: 'failed' }]);
    expect(await repo.settleAsDuplicate(dup, Buffer.from('{"duplicateOf":"x"}'))).toBe(true);
    expect((await messages.get(dup))!.status).toBe('anchored');
  });

  it('its protected records are anchored like any other', async () => {
    const protection = new ProtectionRepository(store.dataSource);
    const batch = await protection.claimBatch({ batchId: uuidv7(), ledger: 'embedded', maxLeaves: 1000, minIntervalMillis: 0, now: new Date(), build: buildTestTree });
    expect(batch!.leafCount).toBe(await count('protected_record', "type = 'DicomInstance'"));
    expect(await protection.findRecord('DicomInstance', 'rec-1.2.3.100')).toMatchObject({ versionId: 2, batch: { status: 'pending' } });
  });

  it('a message whose only record is its instance stays stored until that record is anchored', async () => {
    const protection = new ProtectionRepository(store.dataSource);
    for (const pending of await protection.pendingBatches()) await protection.markBatchAnchored(pending.id, { txHash: '0xearlier', blockNumber: 1, at: new Date() });
    const c = commitOf('1.2.3.700', 1, 'wait-for-anchor');
    await repo.commit(c);
    await store.dataSource.query(`UPDATE message SET status = 'converted' WHERE id = ${driver === 'postgres' ? '$1' : '?'}`, [c.message.id]);
    // Its conversion wrote no resource version (an empty Bundle): the instance is still unanchored.
    expect(await protection.recordProtection([], [c.message.id])).toEqual({ stored: [c.message.id], anchored: [] });
    const batch = await protection.claimBatch({ batchId: uuidv7(), ledger: 'embedded', maxLeaves: 1000, minIntervalMillis: 0, now: new Date(), build: buildTestTree });
    expect((await messages.get(c.message.id))!.status).toBe('stored');
    await protection.markBatchAnchored(batch!.id, { txHash: '0xinstance', blockNumber: 2, at: new Date() });
    expect((await messages.get(c.message.id))!.status).toBe('anchored');
  });

  it('tells whether a newer message of the study still waits for conversion', async () => {
    // UUIDv7 ids order by their millisecond; within one they are random.
    const now = Date.now();
    const older = commitOf('1.2.3.801', 1, 'older', { messageId: uuidv7(now) });
    const newer = commitOf('1.2.3.802', 1, 'newer', { messageId: uuidv7(now + 1) });
    await repo.commit(older);
    await repo.commit(newer);
    expect(await repo.hasNewerPendingMessage(STUDY, older.message.id)).toBe(true);
    expect(await repo.hasNewerPendingMessage(STUDY, newer.message.id)).toBe(false);
    expect(await repo.hasNewerPendingMessage('1.2.999', older.message.id)).toBe(false);
    await store.dataSource.query(`UPDATE message SET status = 'converted' WHERE id = ${driver === 'postgres' ? '$1' : '?'}`, [newer.message.id]);
    expect(await repo.hasNewerPendingMessage(STUDY, older.message.id)).toBe(false);
  });

  it('refuses values the table cannot hold', async () => {
    await expect(repo.commit(commitOf('1.2.3.x', 1, 'bad'))).rejects.toMatchObject({ code: 'STORE_BAD_DICOM_INSTANCE' });
    const mismatch = commitOf('1.2.3.500', 1, 'm');
    await expect(repo.commit({ ...mismatch, record: { ...mismatch.record, versionId: 2 } })).rejects.toMatchObject({ code: 'STORE_BAD_DICOM_INSTANCE' });
    expect(await repo.findBySopInstanceUid('1.2.3.500')).toBeUndefined();
  });

  it('erasure deletes the patient\'s index rows and redacts their messages', async () => {
    const c = commitOf('1.2.3.600', 1, 'erase-me', { patient: 'pat-erase' });
    await repo.commit(c);
    await repo.commit(commitOf('1.2.3.601', 1, 'keep-me', { patient: 'pat-keep' }));
    const result = await new ErasureRepository(store.dataSource).eraseSubject({ subjectKey: 'subj-pat-erase', patientId: 'pat-erase', at: new Date() });
    expect(result.dicomInstancesDeleted).toBe(1);
    expect(result.messagesRedacted).toBeGreaterThanOrEqual(1);
    expect(await repo.findBySopInstanceUid('1.2.3.600')).toBeUndefined();
    expect(await repo.findBySopInstanceUid('1.2.3.601')).toBeDefined();
    const message = await messages.get(c.message.id);
    expect(message!.raw.length).toBe(0);
    expect(message!.erasedAt).toBeInstanceOf(Date);
    // The protected record stays (keyed hash and CID only): the same SOP arriving again gets version 2.
    expect(await repo.versionState('1.2.3.600', 'rec-1.2.3.600')).toEqual({ latestVersion: 1 });
  });
});

describe('DicomInstanceRepository study locks on postgres', () => {
  let store: TestStore;
  let repo: DicomInstanceRepository;

  beforeAll(async () => {
    store = await openTestStore('postgres');
    repo = new DicomInstanceRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('never runs two bodies holding the same study at once (each on its own connection), and releases on failure', async () => {
    const tick = () => new Promise((r) => setTimeout(r, 30));
    const log: string[] = [];
    const body = (name: string) => async () => {
      log.push(`${name}+`);
      await tick();
      log.push(`${name}-`);
    };
    await Promise.all([repo.withStudyLocks([STUDY], body('a')), repo.withStudyLocks([STUDY, '1.2.9'], body('b')), repo.withStudyLocks(['1.2.9'], body('c'))]);
    const at = (entry: string) => log.indexOf(entry);
    // b shares a study with a and with c: it never overlaps either.
    expect(at('b+') > at('a-') || at('a+') > at('b-')).toBe(true);
    expect(at('b+') > at('c-') || at('c+') > at('b-')).toBe(true);
    await expect(repo.withStudyLocks([STUDY], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await repo.withStudyLocks([STUDY], async () => 'free again')).toBe('free again');
  });
});

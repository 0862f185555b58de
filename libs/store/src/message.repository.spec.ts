import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { OperationOutcome } from '@hie/fhir';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { MessageRepository } from './message.repository.js';
import type { NewMessage } from './message.model.js';

const outcome: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'structure', diagnostics: 'MSH missing', expression: ['MSH'] }],
};

let clock = Date.UTC(2025, 0, 1, 12, 0, 0);
function message(overrides: Partial<NewMessage> = {}): NewMessage {
  clock += 1000;
  const raw = Buffer.from(`MSH|^~\\&|APP|FAC|||20250101||ADT^A01|C${clock}|P|2.5\r\u0000\u00ff`, 'latin1');
  return {
    id: uuidv7(clock),
    receivedAt: new Date(clock),
    channel: 'mllp',
    format: 'hl7v2',
    raw,
    sizeBytes: raw.length,
    controlId: `C${clock}`,
    messageType: 'ADT^A01',
    sendingFacility: 'FAC',
    status: 'received',
    ...overrides,
  };
}

describe.each(STORE_DRIVERS)('MessageRepository on %s', (driver) => {
  let store: TestStore;
  let repo: MessageRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    repo = new MessageRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores a batch and reads it back exactly, raw bytes included', async () => {
    const a = message();
    const b = message({ status: 'failed', outcome, channel: 'http', controlId: undefined, messageType: undefined, sendingFacility: undefined });
    await repo.insertMany([a, b]);
    const got = await repo.get(a.id);
    expect(got).toMatchObject({ id: a.id, channel: 'mllp', format: 'hl7v2', status: 'received', attempts: 0, resourceCount: 0 });
    expect(got!.raw.equals(a.raw)).toBe(true);
    expect(got!.receivedAt.getTime()).toBe(a.receivedAt.getTime());
    expect(got!.controlId).toBe(a.controlId);
    expect(got!.processedAt).toBeUndefined();
    const failed = await repo.get(b.id);
    expect(failed).toMatchObject({ status: 'failed', channel: 'http', outcome });
    expect(failed!.controlId).toBeUndefined();
    expect(await repo.get(uuidv7())).toBeUndefined();
    expect(await repo.get('not-a-uuid')).toBeUndefined();
  });

  it('keeps the format of each message (HL7 v2 and CDA) and refuses an unknown one', async () => {
    const raw = Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3"/>', 'utf8');
    const cda = message({ format: 'cda', raw, sizeBytes: raw.length, messageType: 'CDA^34133-9' });
    const v2 = message();
    await repo.insertMany([cda, v2]);
    const [gotCda, gotV2] = await repo.getMany([cda.id, v2.id]);
    expect(gotCda).toMatchObject({ format: 'cda', messageType: 'CDA^34133-9' });
    expect(gotCda!.raw.equals(raw)).toBe(true);
    expect(gotV2!.format).toBe('hl7v2');
    expect((await repo.list({ limit: 5 })).find((m) => m.id === cda.id)?.format).toBe('cda');
    const bad = { ...message(), format: 'pdf' } as unknown as NewMessage;
    await expect(repo.insertMany([bad])).rejects.toMatchObject({ code: 'STORE_BAD_FORMAT' });
  });

  it('writes a batch all or nothing', async () => {
    const a = message();
    await expect(repo.insertMany([a, { ...message(), id: a.id }])).rejects.toThrow();
    expect(await repo.get(a.id)).toBeUndefined();
  });

  it('stores large batches (several PostgreSQL chunks) and getMany keeps the order asked', async () => {
    const batch = Array.from({ length: 4500 }, () => message());
    await repo.insertMany(batch);
    const ids = [batch[4000]!.id, uuidv7(), batch[3]!.id, batch[2500]!.id];
    const got = await repo.getMany(ids);
    expect(got.map((m) => m.id)).toEqual([batch[4000]!.id, batch[3]!.id, batch[2500]!.id]);
    expect(got[0]!.raw.equals(batch[4000]!.raw)).toBe(true);
  });

  it('lists newest first with a status filter and an id cursor', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = new MessageRepository(fresh.dataSource);
      const batch = [message(), message({ status: 'failed', outcome }), message(), message(), message({ status: 'failed', outcome })];
      await r.insertMany(batch);
      const all = await r.list({});
      expect(all.map((m) => m.id)).toEqual(batch.map((m) => m.id).reverse());
      expect(all[0]).not.toHaveProperty('raw');
      const page1 = await r.list({ limit: 2 });
      const page2 = await r.list({ limit: 2, before: page1[1]!.id });
      expect([...page1, ...page2].map((m) => m.id)).toEqual(all.slice(0, 4).map((m) => m.id));
      const failed = await r.list({ status: 'failed' });
      expect(failed.map((m) => m.id)).toEqual([batch[4]!.id, batch[1]!.id]);
      expect(failed[0]!.outcome).toEqual(outcome);
      expect(await r.countByStatus()).toEqual({ received: 3, converted: 0, stored: 0, anchored: 0, failed: 2 });
    } finally {
      await fresh.close();
    }
  });

  it('finds messages still received before a cutoff, oldest first', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = new MessageRepository(fresh.dataSource);
      const [old1, old2, failedOld, recent] = [message(), message(), message({ status: 'failed', outcome }), message()];
      await r.insertMany([recent!, old2!, failedOld!, old1!]);
      const cutoff = new Date(recent!.receivedAt.getTime() - 1);
      expect(await r.findReceivedBefore(cutoff, 10)).toEqual([old1!.id, old2!.id]);
      expect(await r.findReceivedBefore(cutoff, 1)).toEqual([old1!.id]);
    } finally {
      await fresh.close();
    }
  });

  it('marks failed messages for reprocessing, and only those not already received', async () => {
    const received = message();
    const failed = message({ status: 'failed', outcome });
    await repo.insertMany([received, failed]);
    expect(await repo.markForReprocess([received.id, failed.id, failed.id, 'junk'])).toBe(1);
    const again = await repo.get(failed.id);
    expect(again).toMatchObject({ status: 'received', attempts: 0 });
    expect(again!.outcome).toBeUndefined();
    expect(again!.updatedAt.getTime()).toBeGreaterThanOrEqual(again!.receivedAt.getTime());
    expect(await repo.markForReprocess([failed.id])).toBe(0);
  });

  /** Sets columns the later stages own (status, erased_at) directly. */
  async function force(id: string, status: string, erasedAt?: Date): Promise<void> {
    const p = driver === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    const at = erasedAt === undefined ? null : driver === 'postgres' ? erasedAt : erasedAt.toISOString().replace('T', ' ').slice(0, 23);
    await store.dataSource.query(`UPDATE message SET status = ${p[0]}, erased_at = ${p[1]} WHERE id = ${p[2]}`, [status, at, id]);
  }

  it('marks stored and anchored messages for reprocessing, but never an erased one', async () => {
    const [stored, anchored, erased] = [message(), message(), message()];
    await repo.insertMany([stored, anchored, erased]);
    await force(stored.id, 'stored');
    await force(anchored.id, 'anchored');
    const erasedAt = new Date(Date.UTC(2025, 5, 1, 8, 30, 0, 123));
    await force(erased.id, 'anchored', erasedAt);
    expect(await repo.markForReprocess([stored.id, anchored.id, erased.id])).toBe(2);
    expect((await repo.getMany([stored.id, anchored.id, erased.id])).map((m) => m.status)).toEqual(['received', 'received', 'anchored']);
    const got = await repo.get(erased.id);
    expect(got!.erasedAt).toEqual(erasedAt);
    expect((await repo.list({ status: 'anchored' })).find((m) => m.id === erased.id)!.erasedAt).toEqual(erasedAt);
    expect((await repo.get(stored.id))!.erasedAt).toBeUndefined();
  });

  it('counts every status', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = new MessageRepository(fresh.dataSource);
      const batch = [message(), message(), message(), message(), message({ status: 'failed', outcome })];
      await r.insertMany(batch);
      const p = driver === 'postgres' ? ['$1', '$2'] : ['?', '?'];
      for (const [i, status] of [[1, 'converted'], [2, 'stored'], [3, 'anchored']] as const) {
        await fresh.dataSource.query(`UPDATE message SET status = ${p[0]} WHERE id = ${p[1]}`, [status, batch[i]!.id]);
      }
      expect(await r.countByStatus()).toEqual({ received: 1, converted: 1, stored: 1, anchored: 1, failed: 1 });
      expect((await r.list({ status: 'stored' })).map((m) => m.id)).toEqual([batch[2]!.id]);
    } finally {
      await fresh.close();
    }
  });
});

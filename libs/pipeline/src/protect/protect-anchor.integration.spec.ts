import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { HieConfig } from '@hie/config';
import { createR4Validator } from '@hie/fhir';
import { StorageUnavailableError } from '@hie/storage';
import { ConversionRepository, MessageRepository } from '@hie/store';
import { openTestStore, STORE_DRIVERS, type TestStore } from '../../../../test/support/test-store.js';
import { readHl7Fixture, repoRoot, uniqueVariant } from '../../../../test/support/hl7-text.js';
import { ConversionWorker } from '../conversion.worker.js';
import { Hl7Conversion } from '../hl7-conversion.js';
import { loadMappings } from '../mapping-files.loader.js';
import { rotateKeys } from './maintenance.js';
import { ProtectionWorker } from './protection.worker.js';
import { openProtectionStack, type ProtectionStack } from './protection.stack.js';

const FIXTURES = ['ADT-A01-01.hl7', 'ADT-A01-02.hl7', 'ADT-A04-01.hl7', 'ADT-A04-02.hl7', 'ORU-R01-01.hl7', 'VXU-V04-01.hl7'];

/**
 * The protect and anchor stages on a real database (SQLite and PostgreSQL), real crypto, the
 * local content store and the embedded ledger: corpus messages are converted, protected,
 * anchored and verified; then the database row, the ciphertext and the ledger entry are
 * tampered with, one at a time, and verify must name the check that broke.
 */
describe.each(STORE_DRIVERS)('protect and anchor (%s)', (driver) => {
  let store: TestStore;
  let dir: string;
  let stack: ProtectionStack;
  let config: HieConfig['protect'];
  let messageIds: string[];
  let patients: string[];

  /** SQL with `?` placeholders on either driver. */
  const query = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    let i = 0;
    const native = driver === 'postgres' ? text.replace(/\?/g, () => `$${++i}`) : text;
    return (await store.dataSource.query(native, params)) as T[];
  };

  beforeAll(async () => {
    store = await openTestStore(driver);
    dir = await mkdtemp(join(tmpdir(), 'hie-protect-'));
    config = {
      enabled: true,
      keyringFile: join(dir, 'keyring.json'),
      storage: { kind: 'local', dir: join(dir, 'content') },
      ledger: { kind: 'embedded' },
      anchor: { intervalMillis: 10, maxLeaves: 100_000 },
    };
    stack = await openProtectionStack(config, store.dataSource);
    const conversion = new Hl7Conversion(await loadMappings(join(repoRoot, 'mappings')), createR4Validator(), { idSecret: 'protect-test' });
    const messages = new MessageRepository(store.dataSource);
    messageIds = FIXTURES.map(() => uuidv7());
    await messages.insertMany(
      FIXTURES.map((file, i) => {
        // Each message its own patient, so erasing one leaves the others.
        const raw = Buffer.from(uniqueVariant(readHl7Fixture(file), `P${i}`), 'utf8');
        return { id: messageIds[i]!, receivedAt: new Date(), channel: 'cli' as const, format: 'hl7v2' as const, raw, sizeBytes: raw.length, status: 'received' as const };
      }),
    );
    const converted = await new ConversionWorker(messages, new ConversionRepository(store.dataSource), conversion).handle(messageIds);
    expect(converted.converted).toBe(FIXTURES.length);
    patients = (await query<{ id: string }>(`SELECT id FROM fhir_resource WHERE type = 'Patient' ORDER BY id`)).map((r) => r.id);
    expect(patients.length).toBeGreaterThanOrEqual(4);
  });

  afterAll(async () => {
    await stack?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves messages in converted, with nothing recorded, while the content store is down', async () => {
    const down = { put: async (): Promise<string> => Promise.reject(new StorageUnavailableError('down')) };
    const worker = new ProtectionWorker(stack.records, stack.dataKeys, down, stack.hasher);
    await expect(worker.handle(messageIds)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(await query(`SELECT type FROM protected_record`)).toEqual([]);
    const statuses = await query<{ status: string }>(`SELECT DISTINCT status FROM message`);
    expect(statuses.map((s) => s.status)).toEqual(['converted']);
  });

  it('protects every resource version and moves the messages to stored', async () => {
    // One job per message, so each message's envelopes are an object of their own (the tamper
    // test below alters one object and expects the other records to stay sound).
    let records = 0;
    let moved = 0;
    for (const id of messageIds) {
      const result = await stack.worker.handle([id]);
      records += result.records;
      moved += result.stored + result.anchored;
    }
    const versions = await query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM fhir_resource_history`);
    expect(records).toBe(Number(versions[0]!.n));
    expect(moved).toBe(FIXTURES.length);
    // A redelivered job changes nothing.
    expect((await stack.worker.handle(messageIds)).records).toBe(0);
    const statuses = await query<{ status: string }>(`SELECT DISTINCT status FROM message`);
    expect(statuses.map((s) => s.status).sort()).toEqual(['stored']);
  });

  it('keeps no plaintext in the content store', async () => {
    const record = await stack.records.findRecord('Patient', patients[0]!);
    const blob = await stack.contents.getBytes(record!.cid);
    const patient = await query<{ content: string }>(`SELECT content FROM fhir_resource WHERE type = 'Patient' AND id = ?`, [patients[0]]);
    const family = (JSON.parse(patient[0]!.content) as { name?: { family?: string }[] }).name?.[0]?.family;
    expect(family).toBeTruthy();
    expect(blob.includes(Buffer.from(family!, 'utf8'))).toBe(false);
    expect(blob.includes(Buffer.from(patients[0]!, 'utf8'))).toBe(false);
  });

  it('anchors every record under one Merkle root with one ledger entry', async () => {
    const tick = await stack.batcher.tick();
    expect(tick.batchesAnchored).toBe(1);
    expect(tick.messagesAnchored).toBe(FIXTURES.length);
    const entries = await query<{ kind: string }>(`SELECT kind FROM ledger_entry`);
    expect(entries.map((e) => e.kind)).toEqual(['anchor']);
    // Nothing new: no second batch, however often the batcher ticks.
    await new Promise((r) => setTimeout(r, 20));
    expect((await stack.batcher.tick()).batchesAnchored).toBe(0);
    const statuses = await query<{ status: string }>(`SELECT DISTINCT status FROM message`);
    expect(statuses.map((s) => s.status)).toEqual(['anchored']);
  });

  it('verifies an untouched record: every check passes', async () => {
    const report = await stack.verifier.verify('Patient', patients[0]!);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['resource-hash', true],
      ['ciphertext', true],
      ['decrypted-hash', true],
      ['merkle-proof', true],
      ['anchor', true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.txHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the altered FHIR store row', async () => {
    const id = patients[1]!;
    const rows = await query<{ content: string; version_id: number }>(`SELECT content, version_id FROM fhir_resource_history WHERE type = 'Patient' AND id = ? ORDER BY version_id DESC`, [id]);
    const altered = rows[0]!.content.replace(/"gender":"(male|female|unknown|other)"/, '"gender":"other"').replace('"active":true', '"active":false');
    const changed = altered === rows[0]!.content ? rows[0]!.content.replace('{', '{"language":"en",') : altered;
    await query(`UPDATE fhir_resource_history SET content = ? WHERE type = 'Patient' AND id = ? AND version_id = ?`, [changed, id, rows[0]!.version_id]);
    const report = await stack.verifier.verify('Patient', id);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['resource-hash']);
  });

  it('names the altered ciphertext', async () => {
    const id = patients[2]!;
    const record = await stack.records.findRecord('Patient', id);
    const file = join(dir, 'content', record!.cid.slice(-2), record!.cid);
    const bytes = await readFile(file);
    bytes[bytes.length - 1]! ^= 0x01;
    await writeFile(file, bytes);
    const report = await stack.verifier.verify('Patient', id);
    expect(report.ok).toBe(false);
    expect(failed(report)).toContain('ciphertext');
    expect(failed(report)).not.toContain('resource-hash');
    expect(failed(report)).not.toContain('anchor');
  });

  it('keeps records readable across a key rotation', async () => {
    const before = await query<{ kek_id: string }>(`SELECT DISTINCT kek_id FROM data_key`);
    const { rewrapped, kekId } = await rotateKeys(config, store.dataSource);
    expect(rewrapped).toBeGreaterThanOrEqual(patients.length);
    const after = await query<{ kek_id: string }>(`SELECT DISTINCT kek_id FROM data_key`);
    expect(after.map((r) => r.kek_id)).toEqual([kekId]);
    expect(before.map((r) => r.kek_id)).not.toContain(kekId);
    // A fresh stack (new process) reads the rotated keyring and the re-wrapped keys.
    const reopened = await openProtectionStack(config, store.dataSource);
    try {
      expect((await reopened.verifier.verify('Patient', patients[0]!)).ok).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('erases a patient: key destroyed, rows gone, erasure on the ledger; others untouched', async () => {
    const id = patients[3]!;
    const report = await stack.eraser.erase(id);
    expect(report.dataKeysDestroyed).toBe(1);
    expect(report.resourcesDeleted).toBeGreaterThanOrEqual(1);
    expect(report.ledgerTx).toMatch(/^[0-9a-f]{64}$/);
    expect(await query(`SELECT id FROM fhir_resource WHERE type = 'Patient' AND id = ?`, [id])).toEqual([]);
    const verify = await stack.verifier.verify('Patient', id);
    expect(verify.ok).toBe(false);
    expect(verify.checks.find((c) => c.name === 'decrypted-hash')?.detail).toMatch(/destroyed/);
    expect((await stack.verifier.verify('Patient', patients[0]!)).ok).toBe(true);
    const kinds = await query<{ kind: string }>(`SELECT kind FROM ledger_entry ORDER BY seq`);
    expect(kinds.map((k) => k.kind)).toEqual(['anchor', 'erasure']);
  });

  it('names the altered ledger entry', async () => {
    await query(`UPDATE ledger_entry SET payload = replace(payload, substr(payload, 1, 1), substr(payload, 1, 1) || ' ') WHERE kind = 'anchor'`);
    const report = await stack.verifier.verify('Patient', patients[0]!);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['anchor']);
  });
});

function failed(report: { checks: { name: string; ok: boolean }[] }): string[] {
  return report.checks.filter((c) => !c.ok).map((c) => c.name);
}

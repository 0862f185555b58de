import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, versionIdOf, versionsOf } from '../support/engine-api.js';
import { EngineProcess, sleep } from '../support/engine-process.js';
import { firstComponent, readAck, readHl7Fixture, uniqueVariant } from '../support/hl7-text.js';
import { MllpTestClient, sendPipelined } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const TOTAL = 1_000;
const CONNECTIONS = 5;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let intake: EngineProcess;
let worker: EngineProcess;
let api: EngineApi;

let shared: string;

beforeAll(async () => {
  shared = mkdtempSync(join(tmpdir(), 'hie-crash-'));
  db = await createTestDatabase();
  redis = createRedisPrefix();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    HIE_QUEUE_PREFIX: redis.prefix,
    // Small jobs, so a kill lands inside one; a quick sweep, so the lost job is found again soon.
    HIE_INTAKE_BATCH_SIZE: '50',
    HIE_WORKER_CONCURRENCY: '2',
    HIE_RECOVER_AFTER_MILLIS: '3000',
    // Processes of one deployment share the keyring and the content store.
    HIE_KEYRING_FILE: join(shared, 'keyring.json'),
    HIE_STORAGE_DIR: join(shared, 'content'),
  };
  intake = await EngineProcess.start({ role: 'intake', env });
  worker = await EngineProcess.start({ role: 'worker', env });
  api = new EngineApi(intake.httpUrl);
}, 180_000);

afterAll(async () => {
  await worker?.dispose();
  await intake?.dispose();
  await redis?.cleanup();
  await db?.drop();
  rmSync(shared, { recursive: true, force: true });
});

/** Converted, whether or not the protect and anchor stages have moved it on since. */
const convertedSoFar = (c: Record<string, number | undefined>): number => (c.converted ?? 0) + (c.stored ?? 0) + (c.anchored ?? 0);

describe('crash recovery: intake and worker as separate processes', () => {
  it('every acknowledged message ends up converted and anchored exactly once after the worker is killed with SIGKILL mid-batch', async () => {
    const template = readHl7Fixture('ADT-A01-01.hl7');
    const messages = Array.from({ length: TOTAL }, (_, i) => uniqueVariant(template, `${run}C${i}`));
    const lanes = Array.from({ length: CONNECTIONS }, (_, c) => messages.filter((_, i) => i % CONNECTIONS === c));
    const clients = await Promise.all(lanes.map(() => MllpTestClient.connect(intake.mllpHost, intake.mllpPort, { timeoutMillis: 120_000 })));
    const sending = Promise.all(lanes.map((lane, c) => sendPipelined(clients[c]!, lane, 4)));

    // Kill the worker once it has converted some, but far from all, of the batch.
    const atKill = await waitFor(
      'the worker to be converting',
      async () => {
        const counts = await api.counts();
        return convertedSoFar(counts) >= 50 ? counts : undefined;
      },
      { timeoutMillis: 120_000, intervalMillis: 5 },
    );
    const killed = await worker.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    expect(convertedSoFar(atKill), 'the kill must land in the middle of the batch').toBeLessThan(TOTAL);

    const ackTexts = (await sending).flat();
    await Promise.all(clients.map((c) => c.close()));
    const acks = ackTexts.map(readAck);
    const accepted = new Set(acks.filter((a) => a.code === 'AA').map((a) => a.controlId));
    expect(acks.filter((a) => a.code !== 'AA').map((a) => a.text)).toEqual([]);
    expect(accepted.size).toBe(TOTAL);

    await sleep(500);
    await worker.restart();

    const final = await waitFor(
      'every message anchored',
      async () => {
        const counts = await api.counts();
        return counts.received === 0 && counts.converted === 0 && counts.stored === 0 ? counts : undefined;
      },
      { timeoutMillis: 180_000, intervalMillis: 250 },
    );
    expect(final.anchored).toBe(accepted.size);
    expect(final.failed).toBe(0);
    const health = (await api.get('/health')).body as { protect?: { unbatchedRecords: number; pendingBatches: number; anchoredBatches: number } };
    expect(health.protect).toMatchObject({ unbatchedRecords: 0, pendingBatches: 0 });

    // Each ACKed control id is exactly one converted message in the store.
    const converted = await api.listMessages('anchored');
    const byControlId = new Map<string, string[]>();
    for (const m of converted) byControlId.set(String(m.controlId), [...(byControlId.get(String(m.controlId)) ?? []), String(m.id)]);
    for (const controlId of accepted) expect(byControlId.get(controlId)?.length, controlId).toBe(1);
    expect(converted).toHaveLength(accepted.size);

    // Exactly once: no message wrote its resource versions twice, and every patient (each
    // message has its own) has a single version.
    const patientIds = new Set<string>();
    for (const m of converted) {
      const detail = await api.get(`/messages/${String(m.id)}`);
      expect(detail.status).toBe(200);
      const versions = versionsOf(detail.body);
      const keys = versions.map((v) => `${v.type}/${v.id}`);
      expect(new Set(keys).size, `message ${String(m.controlId)} wrote a resource twice`).toBe(keys.length);
      expect(versions.length).toBeGreaterThan(0);
      const patient = versions.filter((v) => v.type === 'Patient');
      expect(patient).toHaveLength(1);
      expect(patient[0]!.versionId).toBe('1');
      patientIds.add(patient[0]!.id);
    }
    expect(patientIds.size).toBe(TOTAL);

    // Spot checks through FHIR: a few patients, one version each.
    for (const i of [0, 1, Math.floor(TOTAL / 2), TOTAL - 1]) {
      const mrn = firstComponent(messages[i]!, 'PID', 3)!;
      const found = await api.search('Patient', { identifier: mrn });
      expect(found).toHaveLength(1);
      expect(versionIdOf(found[0]!)).toBe('1');
      const history = await api.get(`/fhir/Patient/${String(found[0]!.id)}/_history`);
      expect(Array.isArray(history.body.entry) ? history.body.entry.length : -1).toBe(1);
    }
  }, 600_000);
});

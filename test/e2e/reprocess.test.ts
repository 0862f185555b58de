import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERTED_OR_LATER, EngineApi } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { firstComponent, readAck, readHl7Fixture, repoRoot, uniqueVariant } from '../support/hl7-text.js';
import { MllpTestClient } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const run = Math.random().toString(36).slice(2, 8).toUpperCase();

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;
let mappingsDir: string;
const removed: { path: string; text: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  // The engine runs on a copy of mappings/ without the ORU^R01 message map: a "mapping bug".
  mappingsDir = mkdtempSync(join(tmpdir(), 'hie-e2e-mappings-'));
  cpSync(join(repoRoot, 'mappings'), mappingsDir, { recursive: true });
  const messagesDir = join(mappingsDir, 'hl7v2', 'messages');
  for (const name of readdirSync(messagesDir)) {
    const path = join(messagesDir, name);
    const text = readFileSync(path, 'utf8');
    if (/\bORU\b/.test(text)) {
      removed.push({ path, text });
      rmSync(path);
    }
  }
  engine = await EngineProcess.start({
    env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix, HIE_MAPPINGS_DIR: mappingsDir },
  });
  api = new EngineApi(engine.httpUrl);
});

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
  if (mappingsDir) rmSync(mappingsDir, { recursive: true, force: true });
});

describe('reprocessing after a mapping fix', () => {
  it('a message failed for lack of a map converts after the map is restored and POST /messages/{id}/$reprocess', async () => {
    expect(removed.length).toBeGreaterThan(0);
    const message = uniqueVariant(readHl7Fixture('LAB-ORU-1.hl7'), `${run}RP`);
    const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort);
    const ack = readAck(await client.send(message));
    await client.close();
    expect(ack.code).toBe('AR');
    const failed = await waitFor('the failed message', async () => (await api.listMessages('failed')).find((m) => m.controlId === `${run}RP`));

    // The fix: the map is back; the engine restarts on it (same database, same queue).
    for (const file of removed) writeFileSync(file.path, file.text);
    await engine.restart();

    const response = await api.post(`/messages/${String(failed.id)}/$reprocess`);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ count: 1 });
    const detail = await waitFor('the reprocessed message', async () => {
      const d = (await api.get(`/messages/${String(failed.id)}`)).body;
      return (CONVERTED_OR_LATER as readonly unknown[]).includes(d.status) ? d : undefined;
    });
    expect(Number(detail.attempts)).toBeGreaterThanOrEqual(1);
    const patients = await api.search('Patient', { identifier: firstComponent(message, 'PID', 3)! });
    expect(patients).toHaveLength(1);
    const observations = await api.search('Observation', { patient: `Patient/${String(patients[0]!.id)}` });
    expect(observations.length).toBe(message.split('\r').filter((s) => s.startsWith('OBX|')).length);

    // Bulk form: nothing failed is left to reprocess for this message.
    const bulk = await api.post('/messages/$reprocess?status=failed');
    expect(bulk.status).toBe(202);
    expect((await api.listMessages('failed')).some((m) => m.controlId === `${run}RP`)).toBe(false);
  });
});

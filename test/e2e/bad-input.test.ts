import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, type JsonObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { firstComponent, readAck, readHl7Fixture, setField, uniqueVariant } from '../support/hl7-text.js';
import { MllpTestClient } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const START = Buffer.from([0x0b]);
const END = Buffer.from([0x1c, 0x0d]);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;
let client: MllpTestClient;
let goodCount = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({
    env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix },
  });
  api = new EngineApi(engine.httpUrl);
  // One connection for all the bad input: the listener and this connection must survive it.
  client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort, { timeoutMillis: 120_000 });
});

afterAll(async () => {
  await client?.close();
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

function framed(payload: Buffer): Buffer {
  return Buffer.concat([START, payload, END]);
}

function good(): string {
  return uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}G${goodCount++}`);
}

async function failedIds(): Promise<Set<string>> {
  return new Set((await api.listMessages('failed')).map((m) => String(m.id)));
}

/**
 * Sends one bad frame on the shared connection and checks the whole contract: an AE/AR ACK
 * with an ERR segment, exactly one new `failed` message in the store (summary without the raw
 * bytes), and a good message on the same connection still gets AA.
 */
async function expectRejected(bytes: Buffer, expected: { codes: string[]; controlId?: string; errText?: RegExp }): Promise<JsonObject> {
  const before = await failedIds();
  const ack = readAck(await client.sendBytes(bytes, true));
  expect(expected.codes).toContain(ack.code);
  expect(ack.errors.length).toBeGreaterThanOrEqual(1);
  if (expected.errText) expect(ack.errors.join('\r')).toMatch(expected.errText);
  if (expected.controlId !== undefined) expect(ack.controlId).toBe(expected.controlId);

  const after = await api.listMessages('failed');
  const added = after.filter((m) => !before.has(String(m.id)));
  expect(added).toHaveLength(1);
  const summary = added[0]!;
  expect(summary.status).toBe('failed');
  expect(summary).not.toHaveProperty('raw');
  if (expected.controlId !== undefined) expect(summary.controlId).toBe(expected.controlId);

  const next = good();
  expect(readAck(await client.send(next))).toMatchObject({ code: 'AA', controlId: firstControlId(next) });
  return summary;
}

function firstControlId(message: string): string {
  return message.split('\r')[0]!.split('|')[9]!;
}

describe('bad input over MLLP', () => {
  it('an empty frame gets AR/AE with ERR and is kept as failed', async () => {
    await expectRejected(framed(Buffer.alloc(0)), { codes: ['AR', 'AE'] });
  });

  it('framed garbage bytes get AR/AE with ERR and are kept as failed', async () => {
    const garbage = randomBytes(4096).filter((b) => b !== 0x0b && b !== 0x1c);
    await expectRejected(framed(Buffer.from(garbage)), { codes: ['AR', 'AE'] });
  });

  it('garbage outside any frame does not stop the next message on the connection', async () => {
    await client.sendBytes(Buffer.from('this is not MLLP\r\n\x00\x01\x02'), false);
    const next = good();
    expect(readAck(await client.send(next))).toMatchObject({ code: 'AA', controlId: firstControlId(next) });
  });

  it('a message without MSH gets AR with ERR and is kept as failed', async () => {
    const withoutMsh = good().split('\r').slice(1).join('\r');
    await expectRejected(framed(Buffer.from(withoutMsh)), { codes: ['AR'] });
  });

  it('a wrong field separator gets AR with ERR and is kept as failed', async () => {
    // MSH-1 declares '#' while the rest of the message uses '|': MSH-2 becomes nonsense.
    const message = good().replace(/^MSH\|/, 'MSH#');
    await expectRejected(framed(Buffer.from(message)), { codes: ['AR', 'AE'] });
  });

  it('an unsupported message type (SIU^S12) gets AR with ERR 200 and is kept as failed', async () => {
    let message = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}SIU`);
    message = setField(message, 'MSH', 9, 'SIU^S12^SIU_S12');
    await expectRejected(framed(Buffer.from(message)), { codes: ['AR'], controlId: `${run}SIU`, errText: /\b200\b/ });
  });

  it('a 50 MB message gets AR with ERR, is kept as failed, and the listener keeps serving', async () => {
    const base = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}BIG`);
    const filler = 'X'.repeat(50 * 1024 * 1024);
    const message = `${base}\rNTE|1||${filler}`;
    await expectRejected(framed(Buffer.from(message)), { codes: ['AR', 'AE'], controlId: `${run}BIG` });
    // A second connection works too after the big one.
    const other = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort);
    const next = good();
    expect(readAck(await other.send(next)).code).toBe('AA');
    await other.close();
  });

  it('the same bad input over POST /hl7v2 gets AR and is kept too', async () => {
    let message = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}HSIU`);
    message = setField(message, 'MSH', 9, 'SIU^S12^SIU_S12');
    const response = await api.postHl7(message);
    expect(response.status).toBe(200);
    expect(readAck(response.ack)).toMatchObject({ code: 'AR', controlId: `${run}HSIU` });
    const failed = await api.listMessages('failed');
    expect(failed.some((m) => m.controlId === `${run}HSIU`)).toBe(true);
  });

  it('POST /messages/{id}/$reprocess sends a failed message through conversion again', async () => {
    // An ADT^A01 without PID-3 passes intake (AA) but cannot be converted: it ends up failed.
    const tag = `${run}NOPID3`;
    const message = setField(uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), tag), 'PID', 3, '');
    expect(readAck(await client.send(message)).code).toBe('AA');
    const failed = await waitFor('conversion failure', async () => (await api.listMessages('failed')).find((m) => m.controlId === tag));
    expect(failed.outcome ?? (await api.get(`/messages/${String(failed.id)}`)).body.outcome).toMatchObject({ resourceType: 'OperationOutcome' });
    const attempts = Number(failed.attempts);

    const response = await api.post(`/messages/${String(failed.id)}/$reprocess`);
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    // Back through the worker: still failing (the map is unchanged), one more attempt recorded.
    const again = await waitFor('reprocessed attempt', async () => {
      const detail = (await api.get(`/messages/${String(failed.id)}`)).body;
      return detail.status === 'failed' && Number(detail.attempts) === attempts + 1 ? detail : undefined;
    });
    expect(again.outcome).toMatchObject({ resourceType: 'OperationOutcome' });
    expect(firstComponent(message, 'PID', 3)).toBe('');
  });
});

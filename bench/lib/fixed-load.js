// @ts-check
/**
 * A fixed load through the built engine: a fresh PostgreSQL database, Redis prefix and data
 * directory per run, the engine as child process(es), N corpus messages sent at full speed over
 * M MLLP connections, then waiting until every message reached its final status.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, startEngine, statusCounts } from './engine.js';
import { listFixtures, readFixture, SUPPORTED, template } from './hl7-templates.js';
import { ackCode, MllpLoadConnection } from './mllp-load-client.js';
import { createBenchDatabase, createBenchRedisPrefix } from './services.js';

/** @typedef {Awaited<ReturnType<typeof startEngine>>} Engine */

/**
 * Runs `body` against a fresh engine on its own database and Redis prefix, then stops it and
 * drops everything. In the split topology both processes share one keyring and one content
 * directory, as they would share a key store and storage in production.
 * @template T
 * @param {{ topology: 'split'|'all', env?: Record<string,string> }} options
 * @param {(front: Engine) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withEngine(options, body) {
  const db = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  const shared = mkdtempSync(join(tmpdir(), 'hie-bench-shared-'));
  /** @type {Engine[]} */
  const engines = [];
  try {
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HIE_QUEUE_PREFIX: redis.prefix,
      HIE_KEYRING_FILE: join(shared, 'keyring.json'),
      HIE_STORAGE_DIR: join(shared, 'content'),
      ...options.env,
    };
    if (options.topology === 'split') {
      // The worker first: it creates the keyring the intake then opens.
      engines.push(await startEngine('worker', env));
      engines.push(await startEngine('intake', env));
    } else {
      engines.push(await startEngine('all', env));
    }
    return await body(/** @type {Engine} */ (engines[engines.length - 1]));
  } finally {
    for (const e of engines.reverse()) await e.stop().catch(() => {});
    await redis.cleanup().catch(() => {});
    await db.drop().catch(() => {});
    rmSync(shared, { recursive: true, force: true });
  }
}

/**
 * Corpus messages of every supported family round-robin, each with its own ids (see template()).
 * @returns {() => string}
 */
export function corpusMessageSource() {
  const templates = listFixtures(SUPPORTED).map((f) => template(readFixture(f)));
  if (templates.length === 0) throw new Error('no corpus fixtures in fixtures/hl7v2');
  const runTag = randomBytes(3).toString('hex').toUpperCase();
  let sequence = 0;
  return () => {
    const n = sequence++;
    return /** @type {(tag: string) => string} */ (templates[n % templates.length])(`F${runTag}${n.toString(36)}`);
  };
}

/**
 * Sends `count` messages over `connections` connections (each waits for an ACK before its next
 * message). Times are performance.now() values; connections are opened before the clock starts.
 * @param {Engine} front
 * @param {{ count: number, connections: number }} options
 */
export async function sendFixedLoad(front, options) {
  const next = corpusMessageSource();
  const connections = await Promise.all(Array.from({ length: options.connections }, () => MllpLoadConnection.open('127.0.0.1', front.mllpPort)));
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  /** @type {string[]} */
  const rejectSamples = [];
  const startedAt = performance.now();
  try {
    await Promise.all(
      connections.map(async (connection) => {
        while (sent < options.count) {
          sent++;
          const { ack } = await connection.send(next());
          if (ackCode(ack) === 'AA') acked++;
          else {
            rejected++;
            if (rejectSamples.length < 3) rejectSamples.push(ack.replace(/\r/g, '\n').slice(0, 400));
          }
        }
      }),
    );
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
  const lastAckAt = performance.now();
  return { startedAt, lastAckAt, acked, rejected, rejectSamples };
}

/**
 * Polls `/health` until `count` messages are in `finalStatus` or `failed`; resolves with the time
 * that was first seen (performance.now()), the counts then, and counts about every 2 s
 * since the call. Throws after `timeoutMillis`.
 * @param {Engine} front
 * @param {{ count: number, finalStatus: string, pollMillis?: number, timeoutMillis?: number }} options
 */
export async function waitForFinalStatus(front, options) {
  const started = performance.now();
  const deadline = started + (options.timeoutMillis ?? 900_000);
  /** @type {{ t: number, counts: Record<string, number> }[]} */
  const timeline = [];
  for (;;) {
    const counts = await statusCounts(front.httpUrl);
    const at = performance.now();
    // A sample about every 2 s: where the messages stand over time (which stage lags).
    if (timeline.length === 0 || at - started >= timeline.length * 2000) timeline.push({ t: (at - started) / 1000, counts });
    if ((counts[options.finalStatus] ?? 0) + (counts.failed ?? 0) >= options.count) return { at, counts, timeline };
    if (at > deadline) throw new Error(`messages did not all reach ${options.finalStatus} in time: ${JSON.stringify(counts)}`);
    await sleep(options.pollMillis ?? 100);
  }
}

/**
 * `/health`'s protect section (backlog and batch counts), or null when protect is off.
 * @param {string} httpUrl
 * @returns {Promise<{ unbatchedRecords: number, pendingBatches: number, anchoredBatches: number } | null>}
 */
export async function protectHealth(httpUrl) {
  const r = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(10_000) });
  /** @type {{ protect?: { unbatchedRecords: number, pendingBatches: number, anchoredBatches: number } | null }} */
  const body = await r.json();
  return body.protect ?? null;
}

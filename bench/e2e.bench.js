// @ts-check
/**
 * End to end on PostgreSQL + Redis (BullMQ): the built engine as child process(es), N MLLP
 * connections sending corpus messages (each with its own control id, patient and visit) at full
 * speed, each connection keeping `window` messages unanswered. Measures ACKed msgs/s, ACK latency,
 * conversion rate, and the time to drain the backlog once sending stops.
 */
import { randomBytes } from 'node:crypto';
import { listFixtures, readFixture, SUPPORTED, template } from './lib/hl7-templates.js';
import { sleep, startEngine, statusCounts } from './lib/engine.js';
import { ackCode, MllpLoadConnection } from './lib/mllp-load-client.js';
import { createBenchDatabase, createBenchRedisPrefix } from './lib/services.js';
import { quantile } from './lib/stats.js';

/**
 * @param {{ seconds: number, warmupSeconds: number, connections: number, window: number, topology: 'split'|'all', env?: Record<string,string>, log?: (line: string) => void }} options
 */
export async function benchEndToEnd(options) {
  const log = options.log ?? (() => {});
  const db = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  /** @type {Awaited<ReturnType<typeof startEngine>>[]} */
  const engines = [];
  try {
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix, ...options.env };
    if (options.topology === 'split') {
      engines.push(await startEngine('worker', env));
      engines.push(await startEngine('intake', env));
    } else {
      engines.push(await startEngine('all', env));
    }
    const front = /** @type {Awaited<ReturnType<typeof startEngine>>} */ (engines[engines.length - 1]);

    const templates = listFixtures(SUPPORTED).map((f) => template(readFixture(f)));
    if (templates.length === 0) throw new Error('no corpus fixtures in fixtures/hl7v2');
    const runTag = randomBytes(3).toString('hex').toUpperCase();
    let sequence = 0;
    const nextMessage = () => {
      const n = sequence++;
      return /** @type {(tag: string) => string} */ (templates[n % templates.length])(`B${runTag}${n.toString(36)}`);
    };

    const connections = await Promise.all(Array.from({ length: options.connections }, () => MllpLoadConnection.open('127.0.0.1', front.mllpPort)));
    let phase = /** @type {'warmup'|'measure'|'stop'} */ ('warmup');
    /** @type {number[]} */
    const latencies = [];
    let ackedInWindow = 0;
    let rejectedInWindow = 0;
    let ackedTotal = 0;
    let rejectedTotal = 0;
    /** @type {string[]} */
    const rejectSamples = [];

    const lanes = connections.flatMap((connection) =>
      Array.from({ length: options.window }, async () => {
        while (phase !== 'stop') {
          const measuring = phase === 'measure';
          const { ack, latencyMillis } = await connection.send(nextMessage());
          const ok = ackCode(ack) === 'AA';
          if (ok) ackedTotal++;
          else {
            rejectedTotal++;
            if (rejectSamples.length < 3) rejectSamples.push(ack.replace(/\r/g, '\n').slice(0, 400));
          }
          // Count an ACK in the window only when its message was sent in the window.
          if (measuring && phase === 'measure') {
            latencies.push(latencyMillis);
            if (ok) ackedInWindow++;
            else rejectedInWindow++;
          }
        }
      }),
    );

    log(`  warm-up ${options.warmupSeconds}s`);
    await sleep(options.warmupSeconds * 1000);
    const before = await statusCounts(front.httpUrl);
    const measureStarted = performance.now();
    phase = 'measure';
    log(`  measuring ${options.seconds}s over ${options.connections} connections (window ${options.window})`);
    /** @type {{ t: number, converted: number, received: number }[]} */
    const samples = [];
    while (performance.now() - measureStarted < options.seconds * 1000) {
      await sleep(Math.min(2000, options.seconds * 1000 - (performance.now() - measureStarted)));
      const c = await statusCounts(front.httpUrl);
      samples.push({ t: (performance.now() - measureStarted) / 1000, converted: c.converted ?? 0, received: c.received ?? 0 });
    }
    const measuredSeconds = (performance.now() - measureStarted) / 1000;
    const atEnd = await statusCounts(front.httpUrl);
    phase = 'stop';
    await Promise.all(lanes);
    const sendingStopped = performance.now();
    await Promise.all(connections.map((c) => c.close()));

    const backlogAtStop = (await statusCounts(front.httpUrl)).received ?? 0;
    let final = await statusCounts(front.httpUrl);
    while ((final.received ?? 0) > 0 && performance.now() - sendingStopped < 600_000) {
      await sleep(200);
      final = await statusCounts(front.httpUrl);
    }
    const drainSeconds = (performance.now() - sendingStopped) / 1000;

    const result = {
      measuredSeconds,
      ackedPerSecond: ackedInWindow / measuredSeconds,
      rejectedInWindow,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: quantile(latencies, 1),
      convertedPerSecond: ((atEnd.converted ?? 0) - (before.converted ?? 0)) / measuredSeconds,
      // converted + failed: what the workers got through, whatever the outcome.
      processedPerSecond: ((atEnd.converted ?? 0) + (atEnd.failed ?? 0) - (before.converted ?? 0) - (before.failed ?? 0)) / measuredSeconds,
      backlogAtStop,
      drainSeconds,
      drained: (final.received ?? 0) === 0,
      ackedTotal,
      rejectedTotal,
      rejectSamples,
      finalCounts: final,
      samples,
    };
    log(
      `  ${result.ackedPerSecond.toFixed(0)} ACKed msg/s, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
        `converted ${result.convertedPerSecond.toFixed(0)}/s, backlog ${backlogAtStop} drained in ${drainSeconds.toFixed(1)} s, ` +
        `non-AA ${rejectedTotal}, final ${JSON.stringify(final)}`,
    );
    return result;
  } finally {
    for (const e of engines.reverse()) await e.stop().catch(() => {});
    await redis.cleanup().catch(() => {});
    await db.drop().catch(() => {});
  }
}

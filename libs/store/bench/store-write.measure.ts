/**
 * Store write throughput, the engine's hot path: intake `insertMany` of a batch, then the
 * worker's `commit` of its conversions. The workload is a realistic lab/ADT feed: every message
 * carries 15 resources, of which 4 are shared and unchanged from message to message (the sending
 * facility Organization, two Practitioners from a pool of 20, a Location from a pool of 5) and 11
 * are the message's own (Patient, Encounter, DiagnosticReport, 8 Observations, ~0.3-1 KB each).
 * Committers run concurrently, as worker processes do, each on its own batches.
 * Run: `npx vitest run --config libs/store/bench/vitest.config.ts` (real PostgreSQL and a SQLite
 * temp file; prints messages/s). Not part of `npm test`: it measures, it does not assert.
 * Env: STORE_BENCH_BATCH (messages per commit, default 100), STORE_BENCH_SECONDS (default 8),
 * STORE_BENCH_DRIVERS (default `postgres,sqlite`).
 */
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { uuidv7 } from '@hie/common';
import { ConversionRepository, MessageRepository } from '@hie/store';
import type { ConversionOutcome } from '@hie/store';
import { openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { entries } from './bench-workload.js';

const BATCH = Number(process.env['STORE_BENCH_BATCH'] ?? 100);
const SECONDS = Number(process.env['STORE_BENCH_SECONDS'] ?? 8);
const DRIVERS = (process.env['STORE_BENCH_DRIVERS'] ?? 'postgres,sqlite').split(',');
const RAW = Buffer.from(`MSH|^~\\&|LAB|HOSP|||20250101||ORU^R01|X|P|2.5\r${'OBX|1|NM|x^y||42|mg||||||F\r'.repeat(20)}`);

/**
 * CPU seconds (user + system) used so far by this database's PostgreSQL backends, from /proc
 * (the server is local): with the engine's own CPU it tells what a commit costs whatever else
 * the machine is running, which wall-clock rates on a shared machine do not.
 */
async function postgresCpuSeconds(store: TestStore): Promise<number> {
  const rows = (await store.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)) as { pid: number }[];
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A backend that just exited: its time is lost, a small undercount.
    }
  }
  return ticks / 100;
}

function cpuText(engineMs: number, dbMs: number): string {
  return `engine ${engineMs.toFixed(3)} ms` + (dbMs > 0 ? ` + PostgreSQL ${dbMs.toFixed(3)} ms` : '');
}

let counter = 0;
for (const driver of DRIVERS as ('postgres' | 'sqlite')[]) {
  it(`${driver}: insertMany + commit, ${BATCH} messages x 15 resources per batch (4 shared)`, async () => {
    const store = await openTestStore(driver);
    const messages = new MessageRepository(store.dataSource);
    const conversions = new ConversionRepository(store.dataSource);
    const insert = async (): Promise<ConversionOutcome[]> => {
      const ids = Array.from({ length: BATCH }, () => uuidv7());
      await messages.insertMany(ids.map((id) => ({ id, receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw: RAW, sizeBytes: RAW.length, status: 'received' })));
      return ids.map((messageId) => ({ messageId, kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries(counter++) } }));
    };
    try {
      // Warm-up: the shared resources exist (version 1) before measuring, as in a running engine,
      // and the code paths are compiled (the first seconds of a process cost more CPU).
      for (let i = 0; i < 20; i++) await conversions.commit(await insert());
      for (const committers of [1, 2]) {
        const ms = { insert: 0, commit: 0, engineCpu: 0, dbCpu: 0 };
        let batches = 0;
        const start = performance.now();
        const loopCpu = process.cpuUsage();
        const loopDb = driver === 'postgres' ? await postgresCpuSeconds(store) : 0;
        while (performance.now() - start < SECONDS * 1000) {
          // Intake and commits are timed apart: the commit rate is what the brief's target is about.
          let t = performance.now();
          const batches_ = await Promise.all(Array.from({ length: committers }, insert));
          ms.insert += performance.now() - t;
          const db0 = driver === 'postgres' ? await postgresCpuSeconds(store) : 0;
          const cpu0 = process.cpuUsage();
          t = performance.now();
          await Promise.all(batches_.map((outcomes) => conversions.commit(outcomes)));
          ms.commit += performance.now() - t;
          const cpu = process.cpuUsage(cpu0);
          ms.engineCpu += (cpu.user + cpu.system) / 1000;
          if (driver === 'postgres') ms.dbCpu += ((await postgresCpuSeconds(store)) - db0) * 1000;
          batches += committers;
        }
        const total = (performance.now() - start) / 1000;
        const cpu = process.cpuUsage(loopCpu);
        const allEngine = (cpu.user + cpu.system) / 1000;
        const allDb = driver === 'postgres' ? ((await postgresCpuSeconds(store)) - loopDb) * 1000 : 0;
        const n = batches * BATCH;
        console.log(
          `${driver}, ${committers} committer(s): commit ${(n / (ms.commit / 1000)).toFixed(0)} messages/s ` +
            `(${((n * 15) / (ms.commit / 1000)).toFixed(0)} resource PUTs/s), insertMany+commit ${(n / total).toFixed(0)} messages/s; ` +
            `per round: insertMany ${(ms.insert / (batches / committers)).toFixed(1)} ms, commit ${(ms.commit / (batches / committers)).toFixed(1)} ms; ` +
            `CPU per message, commit: ${cpuText(ms.engineCpu / n, ms.dbCpu / n)}; insertMany+commit: ${cpuText(allEngine / n, allDb / n)}`,
        );
      }
    } finally {
      await store.close();
    }
  }, 600_000);
}

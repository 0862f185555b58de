/**
 * Small-object put throughput of the local content store: 2 KB objects (a FHIR resource's
 * ciphertext), N puts in flight as pipeline workers would have, durable (fsync) and not.
 * Run: `npx vitest run --config libs/storage/bench/vitest.config.ts`. Prints puts/s and the
 * process CPU per put (wall-clock rates on a shared machine vary; CPU per put less so).
 * Env: STORAGE_BENCH_SECONDS (per case, default 3), STORAGE_BENCH_CONCURRENCY (default 1,16,64).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { LocalContentStore } from '@hie/storage';

const SECONDS = Number(process.env['STORAGE_BENCH_SECONDS'] ?? 3);
const CONCURRENCY = (process.env['STORAGE_BENCH_CONCURRENCY'] ?? '1,16,64').split(',').map(Number);

it('local store: 2 KB puts/s', async () => {
  const pool = Array.from({ length: 1024 }, () => randomBytes(2048));
  for (const durable of [true, false]) {
    for (const concurrency of CONCURRENCY) {
      const dir = await mkdtemp(join(tmpdir(), 'hie-storage-bench-'));
      const store = await LocalContentStore.open(dir, { durable });
      let puts = 0;
      const deadline = performance.now() + SECONDS * 1000;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < deadline) {
            // Distinct content each put (ciphertexts never repeat): vary 8 bytes of a pooled buffer.
            const payload = Buffer.from(pool[puts % pool.length]!);
            payload.writeDoubleLE(puts++ + Math.random(), 0);
            await store.put(payload);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMicrosPerPut = (cpu.user + cpu.system) / puts;
      console.log(
        `[storage-bench] durable=${durable} concurrency=${concurrency}: ${Math.round(puts / seconds)} puts/s, ${Math.round(cpuMicrosPerPut)} µs CPU/put`,
      );
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}, 600_000);

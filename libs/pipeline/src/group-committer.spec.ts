import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-committer.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(e: unknown): void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('GroupCommitter', () => {
  it('flushes a full batch at once, in one call, and resolves every waiter', async () => {
    const batches: number[][] = [];
    const c = new GroupCommitter<number>({ batchSize: 3, batchMillis: 10_000, flush: async (items) => void batches.push(items) });
    await Promise.all([c.submit(1), c.submit(2), c.submit(3)]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial batch after batchMillis', async () => {
    const batches: number[][] = [];
    const c = new GroupCommitter<number>({ batchSize: 100, batchMillis: 5, flush: async (items) => void batches.push(items) });
    const started = Date.now();
    await Promise.all([c.submit(1), c.submit(2)]);
    expect(batches).toEqual([[1, 2]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4);
  });

  it('does not resolve a waiter before its batch is durable', async () => {
    const gate = deferred();
    const c = new GroupCommitter<number>({ batchSize: 1, batchMillis: 0, flush: () => gate.promise });
    let done = false;
    const p = c.submit(1).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    gate.resolve();
    await p;
    expect(done).toBe(true);
  });

  it('gathers items while a flush runs and writes them as the next batch', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    let calls = 0;
    const c = new GroupCommitter<number>({
      batchSize: 10,
      batchMillis: 0,
      flush: async (items) => {
        batches.push(items);
        if (calls++ === 0) await gate.promise;
      },
    });
    const first = c.submit(1);
    await new Promise((r) => setTimeout(r, 5));
    const rest = [c.submit(2), c.submit(3), c.submit(4)];
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1]]); // one flush at a time by default
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every waiter of a failed batch and only those', async () => {
    let n = 0;
    const c = new GroupCommitter<number>({
      batchSize: 2,
      batchMillis: 1,
      flush: async () => {
        if (n++ === 0) throw new Error('disk full');
      },
    });
    const results = await Promise.allSettled([c.submit(1), c.submit(2), c.submit(3), c.submit(4)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it('calls afterFlush with the items of successful batches only', async () => {
    const after: number[][] = [];
    let n = 0;
    const c = new GroupCommitter<number>({
      batchSize: 1,
      batchMillis: 0,
      flush: async () => {
        if (n++ === 1) throw new Error('x');
      },
      afterFlush: (items) => void after.push(items),
    });
    await Promise.allSettled([c.submit(1), c.submit(2), c.submit(3)]);
    expect(after).toEqual([[1], [3]]);
  });

  it('runs up to maxConcurrentFlushes at once', async () => {
    let running = 0;
    let peak = 0;
    const c = new GroupCommitter<number>({
      batchSize: 1,
      batchMillis: 0,
      maxConcurrentFlushes: 3,
      flush: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
      },
    });
    await Promise.all(Array.from({ length: 9 }, (_, i) => c.submit(i)));
    expect(peak).toBe(3);
  });

  it('drain writes what waits; close refuses new items', async () => {
    const batches: number[][] = [];
    const c = new GroupCommitter<number>({ batchSize: 100, batchMillis: 60_000, flush: async (items) => void batches.push(items) });
    const p = c.submit(7);
    await c.close();
    await p;
    expect(batches).toEqual([[7]]);
    await expect(c.submit(8)).rejects.toThrow(/closed/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createRedisPrefix, listKeys } from '../../../test/support/redis.js';
import type { TestRedisPrefix } from '../../../test/support/redis.js';
import { BullMqQueue } from './bullmq.queue.js';
import { createWorkQueue } from './create-work-queue.js';
import { InProcessQueue } from './in-process.queue.js';
import type { RetryOptions, WorkQueue } from './work-queue.js';

/** Polls until `check` holds (the queue works asynchronously). */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Driver {
  name: string;
  /** Queues sharing one backlog (BullMQ: same prefix; in-process: one instance). */
  open(retry?: RetryOptions): WorkQueue;
  cleanup(): Promise<void>;
}

const open: WorkQueue[] = [];
const redisPrefixes: TestRedisPrefix[] = [];

function bullmqDriver(): Driver {
  const redis = createRedisPrefix();
  redisPrefixes.push(redis);
  return {
    name: 'bullmq',
    open: (retry) => track(new BullMqQueue({ redisUrl: redis.url, prefix: redis.prefix, ...retry })),
    cleanup: () => redis.cleanup(),
  };
}

function inProcessDriver(): Driver {
  return { name: 'in-process', open: (retry) => track(new InProcessQueue(retry)), cleanup: async () => undefined };
}

function track(queue: WorkQueue): WorkQueue {
  open.push(queue);
  return queue;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
  await Promise.all(redisPrefixes.splice(0).map((r) => r.cleanup()));
});

describe.each([
  ['in-process', inProcessDriver],
  ['bullmq', bullmqDriver],
] as const)('WorkQueue contract: %s', (_name, makeDriver) => {
  it('delivers every enqueued batch of ids once, and depth drains to zero', async () => {
    const queue = makeDriver().open();
    await queue.enqueue(['a', 'b']);
    await queue.enqueue(['c']);
    await queue.enqueue([]);
    expect(await queue.depth()).toBe(2);
    const seen: string[][] = [];
    queue.consume(async (ids) => {
      seen.push(ids);
    }, { concurrency: 2 });
    await queue.enqueue(['d', 'e', 'f']);
    await until(() => seen.length === 3);
    expect(seen.map((ids) => ids.join(',')).sort()).toEqual(['a,b', 'c', 'd,e,f']);
    await until(async () => (await queue.depth()) === 0);
  });

  it('retries a rejected job with backoff until it succeeds', async () => {
    const queue = makeDriver().open({ attempts: 5, backoffMillis: 20 });
    const calls: number[] = [];
    queue.consume(async () => {
      calls.push(Date.now());
      if (calls.length < 3) throw new Error('transient');
    }, { concurrency: 1 });
    await queue.enqueue(['x']);
    await until(() => calls.length === 3);
    // Exponential: the second wait is at least twice the base delay.
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(15);
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(35);
    await until(async () => (await queue.depth()) === 0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls).toHaveLength(3);
  });

  it('gives up after the configured attempts', async () => {
    const queue = makeDriver().open({ attempts: 2, backoffMillis: 10 });
    let calls = 0;
    queue.consume(async () => {
      calls++;
      throw new Error('permanent');
    }, { concurrency: 1 });
    await queue.enqueue(['y']);
    await until(() => calls === 2);
    await until(async () => (await queue.depth()) === 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toBe(2);
  });

  it('runs up to `concurrency` jobs at once, and close waits for active jobs', async () => {
    const queue = makeDriver().open();
    let active = 0;
    let peak = 0;
    let finished = 0;
    queue.consume(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 60));
      active--;
      finished++;
    }, { concurrency: 3 });
    for (let i = 0; i < 6; i++) await queue.enqueue([`m${i}`]);
    await until(() => finished === 6);
    expect(peak).toBe(3);
    await queue.enqueue(['last']);
    await until(() => active === 1);
    await queue.close();
    expect(finished).toBe(7);
  });
});

describe('BullMqQueue on real Redis', () => {
  it('lets two consumers (separate connections, one prefix) share the work', async () => {
    const driver = bullmqDriver();
    const producer = driver.open();
    const consumers = [driver.open(), driver.open()];
    const byConsumer: string[][] = [[], []];
    consumers.forEach((queue, i) =>
      queue.consume(async (ids) => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        byConsumer[i]!.push(...ids);
      }, { concurrency: 2 }),
    );
    const all = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    for (const id of all) await producer.enqueue([id]);
    await until(() => byConsumer[0]!.length + byConsumer[1]!.length === all.length);
    expect([...byConsumer[0]!, ...byConsumer[1]!].sort()).toEqual([...all].sort());
    expect(byConsumer[0]!.length).toBeGreaterThan(0);
    expect(byConsumer[1]!.length).toBeGreaterThan(0);
  });

  it('isolates prefixes and removes completed jobs', async () => {
    const a = bullmqDriver();
    const b = bullmqDriver();
    const qa = a.open();
    const qb = b.open();
    await qa.enqueue(['only-a']);
    expect(await qb.depth()).toBe(0);
    expect(await qa.depth()).toBe(1);
    let done = 0;
    qa.consume(async () => {
      done++;
    }, { concurrency: 1 });
    await until(() => done === 1);
    await until(async () => (await qa.depth()) === 0);
    const prefix = redisPrefixes[redisPrefixes.length - 2]!.prefix;
    const keys = await listKeys(prefix);
    expect(keys.length).toBeGreaterThan(0);
    // Completed job hashes are gone (removeOnComplete); only BullMQ's bookkeeping keys remain.
    expect(keys.filter((k) => /:convert:\d+$/.test(k))).toEqual([]);
    await qa.close();
    await a.cleanup();
    expect(await listKeys(prefix)).toEqual([]);
  });

  it('createWorkQueue picks the driver from config', async () => {
    const redis = createRedisPrefix();
    redisPrefixes.push(redis);
    const bull = track(createWorkQueue({ kind: 'bullmq', redisUrl: redis.url, prefix: redis.prefix }));
    expect(bull).toBeInstanceOf(BullMqQueue);
    expect(track(createWorkQueue({ kind: 'in-process' }))).toBeInstanceOf(InProcessQueue);
  });
});

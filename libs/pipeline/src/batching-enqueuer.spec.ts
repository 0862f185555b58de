import { describe, expect, it } from 'vitest';
import { BatchingEnqueuer } from './batching-enqueuer.js';

class RecordingQueue {
  readonly jobs: string[][] = [];
  failNext = false;
  async enqueue(ids: readonly string[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('redis down');
    }
    this.jobs.push([...ids]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchingEnqueuer', () => {
  it('gathers ids enqueued within the window into one job', async () => {
    const queue = new RecordingQueue();
    const batching = new BatchingEnqueuer(queue, { windowMillis: 30, maxIds: 100 });
    await batching.enqueue(['a']);
    await batching.enqueue(['b']);
    await batching.enqueue(['c']);
    expect(queue.jobs).toEqual([]);
    await sleep(60);
    expect(queue.jobs).toEqual([['a', 'b', 'c']]);
    await batching.enqueue(['d']);
    await batching.drain();
    expect(queue.jobs).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('sends a full batch at once, and a failed send loses nothing it could keep (the sweep repairs it)', async () => {
    const queue = new RecordingQueue();
    const warnings: string[] = [];
    const batching = new BatchingEnqueuer(queue, { windowMillis: 10_000, maxIds: 2 }, { log() {}, warn: (m: string) => warnings.push(m), error() {} });
    await batching.enqueue(['a', 'b']);
    await batching.drain();
    expect(queue.jobs).toEqual([['a', 'b']]);
    queue.failNext = true;
    await batching.enqueue(['c', 'd']);
    await batching.drain();
    expect(queue.jobs).toEqual([['a', 'b']]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/job of 2 ids was not queued/);
  });
});

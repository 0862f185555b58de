import { describe, expect, it } from 'vitest';
import { RecoverySweeper } from './recovery.sweeper.js';

describe('RecoverySweeper', () => {
  it('queues again, in jobs of batchSize, what is still received after recoverAfterMillis', async () => {
    const cutoffs: Date[] = [];
    const jobs: string[][] = [];
    const ids = ['1', '2', '3', '4', '5'];
    const sweeper = new RecoverySweeper(
      { findReceivedBefore: async (cutoff) => (cutoffs.push(cutoff), ids) },
      { enqueue: async (batch) => void jobs.push([...batch]) },
      { recoverAfterMillis: 30_000, batchSize: 2 },
      undefined,
      () => 100_000,
    );
    expect(await sweeper.sweep()).toBe(5);
    expect(cutoffs[0]!.getTime()).toBe(70_000);
    expect(jobs).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('sweeps at start and then periodically, and survives a failing sweep', async () => {
    let calls = 0;
    const sweeper = new RecoverySweeper(
      {
        findReceivedBefore: async () => {
          calls++;
          if (calls === 1) throw new Error('db down');
          return [];
        },
      },
      { enqueue: async () => {} },
      { recoverAfterMillis: 1000, intervalMillis: 10 },
    );
    sweeper.start();
    await new Promise((r) => setTimeout(r, 60));
    await sweeper.stop();
    const after = calls;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(after);
  });
});

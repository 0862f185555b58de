import { describe, expect, it } from 'vitest';
import { PeriodicRun } from './periodic-run.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PeriodicRun', () => {
  it('runs at once and then periodically, never two runs at the same time', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const periodic = new PeriodicRun(async () => {
      active++;
      most = Math.max(most, active);
      runs++;
      await sleep(30);
      active--;
    });
    periodic.start(5);
    await sleep(100);
    await periodic.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
    expect(active).toBe(0);
    const after = runs;
    await sleep(30);
    expect(runs).toBe(after);
  });

  it('hands a rejected run to onError and keeps going', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const periodic = new PeriodicRun(async () => {
      runs++;
      throw new Error('boom');
    }, (error) => errors.push(error));
    periodic.start(5);
    await sleep(40);
    await periodic.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(runs);
  });
});

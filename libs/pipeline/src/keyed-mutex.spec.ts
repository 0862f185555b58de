import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedMutex', () => {
  it('never runs two bodies sharing a key at the same time', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const body = (name: string) => async () => {
      log.push(`${name}+`);
      await tick();
      log.push(`${name}-`);
    };
    await Promise.all([mutex.run(['s1'], body('a')), mutex.run(['s1', 's2'], body('b')), mutex.run(['s2'], body('c'))]);
    // b shares s1 with a and s2 with c: it runs after both, never alongside either.
    const at = (entry: string) => log.indexOf(entry);
    expect(at('b+')).toBeGreaterThan(at('a-'));
    expect(at('b+')).toBeGreaterThan(at('c-'));
    expect(log).toHaveLength(6);
    expect(mutex.isBusy('s1') || mutex.isBusy('s2')).toBe(false);
  });

  it('runs bodies with disjoint keys at the same time, and releases keys when a body throws', async () => {
    const mutex = new KeyedMutex();
    let inside = 0;
    let most = 0;
    const body = async () => {
      most = Math.max(most, ++inside);
      await tick();
      inside--;
    };
    await Promise.all([mutex.run(['x'], body), mutex.run(['y'], body)]);
    expect(most).toBe(2);
    await expect(mutex.run(['x'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await mutex.run(['x'], async () => 'again')).toBe('again');
  });
});

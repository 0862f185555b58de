import { describe, expect, it } from 'vitest';
import { ReprocessService } from './reprocess.service.js';

class FakeStore {
  constructor(public statuses: Map<string, string>) {}
  async markForReprocess(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const s = this.statuses.get(id);
      if (s === 'failed' || s === 'converted') {
        this.statuses.set(id, 'received');
        n++;
      }
    }
    return n;
  }
  async list(filter: { status?: string; limit?: number }): Promise<{ id: string }[]> {
    return [...this.statuses].filter(([, s]) => s === filter.status).slice(0, filter.limit).map(([id]) => ({ id }));
  }
}

describe('ReprocessService', () => {
  it('marks the given ids and queues them', async () => {
    const store = new FakeStore(new Map([['a', 'failed'], ['b', 'converted'], ['c', 'received']]));
    const jobs: string[][] = [];
    const service = new ReprocessService(store, { enqueue: async (ids) => void jobs.push([...ids]) });
    expect(await service.reprocess(['a', 'b', 'a'])).toEqual({ count: 2 });
    expect(store.statuses.get('a')).toBe('received');
    expect(jobs).toEqual([['a', 'b']]);
  });

  it('reprocesses every failed message, page by page', async () => {
    const statuses = new Map<string, string>();
    for (let i = 0; i < 25; i++) statuses.set(`m${i}`, i % 5 === 0 ? 'converted' : 'failed');
    const store = new FakeStore(statuses);
    const jobs: string[][] = [];
    const service = new ReprocessService(store, { enqueue: async (ids) => void jobs.push([...ids]) }, 7);
    expect(await service.reprocess({ status: 'failed' })).toEqual({ count: 20 });
    expect([...statuses.values()].filter((s) => s === 'failed')).toEqual([]);
    expect(jobs.flat()).toHaveLength(20);
    expect(jobs.every((j) => j.length <= 7)).toBe(true);
  });
});

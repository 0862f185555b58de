import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import { openDatabase } from './open-database.js';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { DataKeyRepository } from './data-key.repository.js';
import type { NewDataKey } from './data-key.model.js';

function key(subjectKey: string, overrides: Partial<NewDataKey> = {}): NewDataKey {
  return { id: uuidv7(), subjectKey, kekId: 'kek-1', wrappedKey: Buffer.from(uuidv7()), createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 5)), ...overrides };
}

describe.each(STORE_DRIVERS)('DataKeyRepository on %s', (driver) => {
  let store: TestStore;
  let keys: DataKeyRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    keys = new DataKeyRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores a key once per subject: a second insert returns the first', async () => {
    const first = key('s-one');
    const stored = await keys.insertIfAbsent(first);
    expect(stored).toEqual({ id: first.id, subjectKey: 's-one', kekId: 'kek-1', wrappedKey: first.wrappedKey, createdAt: first.createdAt });
    expect(await keys.insertIfAbsent(key('s-one', { kekId: 'kek-2' }))).toEqual(stored);
    expect(await keys.findActive('s-one')).toEqual(stored);
    expect(await keys.findById(first.id)).toEqual(stored);
    expect(await keys.findActive('s-none')).toBeUndefined();
    expect(await keys.findById(uuidv7())).toBeUndefined();
  });

  it('gives concurrent creators of one subject the same winner', async () => {
    const candidates = Array.from({ length: 6 }, () => key('s-race'));
    const results = await Promise.all(candidates.map((k) => keys.insertIfAbsent(k)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(candidates.map((c) => c.id)).toContain(results[0]!.id);
  });

  if (driver === 'postgres') {
    it('gives two processes creating a key for one subject at once the same winner', async () => {
      const db = await createTestDatabase();
      const [a, b] = await Promise.all([openDatabase({ kind: 'postgres', url: db.url }), openDatabase({ kind: 'postgres', url: db.url })]);
      try {
        const ra = new DataKeyRepository(a);
        const rb = new DataKeyRepository(b);
        for (let i = 0; i < 10; i++) {
          const [x, y] = await Promise.all([ra.insertIfAbsent(key(`s-proc-${i}`)), rb.insertIfAbsent(key(`s-proc-${i}`))]);
          expect(x.id).toBe(y.id);
        }
        const rows = await a.query(`SELECT count(*)::int AS n FROM data_key`);
        expect(rows[0].n).toBe(10);
      } finally {
        await Promise.all([a.destroy(), b.destroy()]);
        await db.drop();
      }
    });
  }

  it('destroys every active key of a subject (crypto-shredding), and a new key can follow', async () => {
    const k = await keys.insertIfAbsent(key('s-erase'));
    const other = await keys.insertIfAbsent(key('s-keep'));
    const at = new Date(Date.UTC(2025, 6, 1, 12, 0, 0, 250));
    expect(await keys.destroySubject('s-erase', at)).toBe(1);
    expect(await keys.destroySubject('s-erase', new Date())).toBe(0);
    expect(await keys.findActive('s-erase')).toBeUndefined();
    expect(await keys.findById(k.id)).toEqual({ ...k, wrappedKey: null, destroyedAt: at });
    expect(await keys.findActive('s-keep')).toEqual(other);
    const fresh = await keys.insertIfAbsent(key('s-erase'));
    expect(fresh.id).not.toBe(k.id);
    expect(await keys.rewrap(k.id, 'kek-1', 'kek-2', Buffer.from('x'))).toBe(false);
  });

  it('lists keys under other KEKs and rewraps only from the KEK the caller read', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = new DataKeyRepository(fresh.dataSource);
      const [a, b, c] = [await r.insertIfAbsent(key('r-a', { kekId: 'kek-a' })), await r.insertIfAbsent(key('r-b', { kekId: 'kek-b' })), await r.insertIfAbsent(key('r-c', { kekId: 'kek-c' }))];
      await r.destroySubject('r-c', new Date());
      expect((await r.listNotUnderKek('kek-b', 10)).map((k) => k.id)).toEqual([a.id]);
      expect((await r.listNotUnderKek('kek-z', 10)).map((k) => k.id).sort()).toEqual([a.id, b.id].sort());
      expect(await r.listNotUnderKek('kek-z', 1)).toHaveLength(1);
      const wrapped = Buffer.from('rewrapped-by-b');
      expect(await r.rewrap(a.id, 'kek-a', 'kek-b', wrapped)).toBe(true);
      // A concurrent rotation read kek-a too: it finds the key moved and does nothing.
      expect(await r.rewrap(a.id, 'kek-a', 'kek-x', Buffer.from('late'))).toBe(false);
      expect(await r.findById(a.id)).toMatchObject({ kekId: 'kek-b', wrappedKey: wrapped });
      expect(await r.listNotUnderKek('kek-b', 10)).toEqual([]);
      expect(await r.rewrap(c.id, 'kek-c', 'kek-b', wrapped)).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});

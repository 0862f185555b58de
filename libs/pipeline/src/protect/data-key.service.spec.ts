import { describe, expect, it } from 'vitest';
import { InMemoryKeyProvider } from '@hie/crypto';
import { DataKeyService } from './data-key.service.js';
import type { DataKeyStorePort, DataKeyView } from './protect.ports.js';

/** Data keys in memory, with the store's rules: one active key per subject, destroy wipes the wrap. */
class FakeDataKeyStore implements DataKeyStorePort {
  readonly rows: DataKeyView[] = [];
  reads = 0;

  async findActive(subjectKey: string) {
    this.reads++;
    return this.rows.find((r) => r.subjectKey === subjectKey && !r.destroyedAt);
  }
  async findById(id: string) {
    this.reads++;
    return this.rows.find((r) => r.id === id);
  }
  async insertIfAbsent(row: Omit<DataKeyView, 'destroyedAt'> & { wrappedKey: Buffer }) {
    // Atomic, as the database's unique index makes it: no await between the check and the insert.
    const existing = this.rows.find((r) => r.subjectKey === row.subjectKey && !r.destroyedAt);
    if (existing) return existing;
    this.rows.push({ ...row });
    return row;
  }
  async findActiveMany(subjectKeys: readonly string[]) {
    this.reads++;
    return this.rows.filter((r) => subjectKeys.includes(r.subjectKey) && !r.destroyedAt);
  }
  async insertManyIfAbsent(rows: readonly (Omit<DataKeyView, 'destroyedAt'> & { wrappedKey: Buffer })[]) {
    for (const row of rows) await this.insertIfAbsent(row);
    return this.findActiveMany(rows.map((r) => r.subjectKey));
  }
  async listNotUnderKek(kekId: string, limit: number) {
    return this.rows.filter((r) => !r.destroyedAt && r.kekId !== kekId).slice(0, limit);
  }
  async rewrap(id: string, fromKekId: string, kekId: string, wrappedKey: Buffer) {
    const row = this.rows.find((r) => r.id === id && r.kekId === fromKekId);
    if (!row) return false;
    Object.assign(row, { kekId, wrappedKey });
    return true;
  }
  async destroySubject(subjectKey: string, at: Date) {
    const rows = this.rows.filter((r) => r.subjectKey === subjectKey && !r.destroyedAt);
    for (const row of rows) Object.assign(row, { wrappedKey: null, destroyedAt: at });
    return rows.length;
  }
}

describe('DataKeyService', () => {
  it('creates one key per subject, stores it only wrapped, and reuses it', async () => {
    const store = new FakeDataKeyStore();
    const keys = new DataKeyService(store, new InMemoryKeyProvider());
    const a = await keys.forSubject('subject-a');
    const again = await keys.forSubject('subject-a');
    const b = await keys.forSubject('subject-b');
    expect(again).toEqual(a);
    expect(b.id).not.toBe(a.id);
    expect(a.key).toHaveLength(32);
    expect(store.rows).toHaveLength(2);
    expect(store.rows.some((r) => r.wrappedKey!.includes(a.key))).toBe(false);
    expect(await keys.byKeyId(a.id, { fresh: true })).toEqual(a.key);
  });

  it('two services racing for a new subject end up with the same key', async () => {
    const store = new FakeDataKeyStore();
    const provider = new InMemoryKeyProvider();
    const [x, y] = await Promise.all([new DataKeyService(store, provider).forSubject('s'), new DataKeyService(store, provider).forSubject('s')]);
    expect(x.id).toBe(y.id);
    expect(x.key).toEqual(y.key);
  });

  it('a destroyed key can no longer be had, by this service or a fresh read', async () => {
    const store = new FakeDataKeyStore();
    const keys = new DataKeyService(store, new InMemoryKeyProvider());
    const a = await keys.forSubject('subject-a');
    expect(await keys.destroy('subject-a', new Date())).toBe(1);
    await expect(keys.byKeyId(a.id)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    const other = new DataKeyService(store, new InMemoryKeyProvider());
    await expect(other.byKeyId(a.id, { fresh: true })).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    // New data for the subject gets a new key; the old ciphertexts stay unreadable.
    expect((await keys.forSubject('subject-a')).id).not.toBe(a.id);
  });

  it("sees another process's erasure once its subject cache expires", async () => {
    const store = new FakeDataKeyStore();
    const provider = new InMemoryKeyProvider();
    let now = 0;
    const worker = new DataKeyService(store, provider, { subjectCacheMillis: 1000, now: () => now });
    const first = await worker.forSubject('s');
    await new DataKeyService(store, provider).destroy('s', new Date());
    now = 500;
    expect((await worker.forSubject('s')).id).toBe(first.id);
    now = 1500;
    expect((await worker.forSubject('s')).id).not.toBe(first.id);
  });

  it('rotation re-wraps every active key under the new KEK; the keys themselves do not change', async () => {
    const store = new FakeDataKeyStore();
    const provider = new InMemoryKeyProvider();
    const keys = new DataKeyService(store, provider);
    const before = await Promise.all(['a', 'b', 'c'].map((s) => keys.forSubject(s)));
    await keys.destroy('c', new Date());
    const { kekId, rewrapped } = await keys.rotate(2);
    expect(rewrapped).toBe(2);
    expect(store.rows.filter((r) => !r.destroyedAt).every((r) => r.kekId === kekId)).toBe(true);
    const fresh = new DataKeyService(store, provider);
    expect(await fresh.byKeyId(before[0]!.id, { fresh: true })).toEqual(before[0]!.key);
    expect(await fresh.byKeyId(before[1]!.id, { fresh: true })).toEqual(before[1]!.key);
  });

  it("gets a whole job's keys in two store calls, creating the missing ones once", async () => {
    const store = new FakeDataKeyStore();
    const provider = new InMemoryKeyProvider();
    const known = await new DataKeyService(store, provider).forSubject('known');
    const fresh = new DataKeyService(store, provider);
    store.reads = 0;
    const many = await fresh.forSubjects(['known', 'new-1', 'new-2', 'new-1']);
    expect([...many.keys()].sort()).toEqual(['known', 'new-1', 'new-2']);
    expect(many.get('known')!.id).toBe(known.id);
    expect(store.rows).toHaveLength(3);
    expect(store.reads).toBeLessThanOrEqual(3);
    // Cached now: no store call at all.
    store.reads = 0;
    await fresh.forSubjects(['known', 'new-2']);
    expect(store.reads).toBe(0);
  });
});

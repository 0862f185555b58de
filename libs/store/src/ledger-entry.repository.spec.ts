import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DRIVERS, openTestStore } from '../../../test/support/test-store.js';
import type { TestStore } from '../../../test/support/test-store.js';
import { LedgerEntryRepository } from './ledger-entry.repository.js';
import type { LedgerEntryKind, LedgerEntryRow } from './ledger-entry.model.js';
import { sha256Hex } from './protect/protection.test-kit.js';

function entry(seq: number, kind: LedgerEntryKind, entryKey: string): LedgerEntryRow {
  return {
    seq, kind, entryKey, payload: JSON.stringify({ seq, kind }), prevHash: sha256Hex(`e${seq - 1}`), entryHash: sha256Hex(`e${seq}`),
    signature: `sig-${seq}`, createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)),
  };
}

describe.each(STORE_DRIVERS)('LedgerEntryRepository on %s', (driver) => {
  let store: TestStore;
  let ledger: LedgerEntryRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    ledger = new LedgerEntryRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('appends, reads the last entry, and scans in seq order', async () => {
    expect(await ledger.last()).toBeUndefined();
    const entries = [entry(0, 'anchor', 'batch-0'), entry(1, 'consent', 'subj-a:1'), entry(2, 'anchor', 'batch-1'), entry(3, 'erasure', 'subj-a')];
    for (const e of entries) await ledger.append(e);
    expect(await ledger.last()).toEqual(entries[3]);
    expect(await ledger.scan(-1, 100)).toEqual(entries);
    expect(await ledger.scan(0, 2)).toEqual(entries.slice(1, 3));
    expect(await ledger.scan(3, 10)).toEqual([]);
    expect(await ledger.findByKey('anchor', 'batch-1')).toEqual(entries[2]);
    expect(await ledger.findByKey('consent', 'batch-1')).toBeUndefined();
  });

  it('refuses a taken seq and a taken (kind, entryKey) with LEDGER_SEQ_TAKEN, and a bad entry with its own code', async () => {
    await expect(ledger.append(entry(2, 'anchor', 'batch-new'))).rejects.toMatchObject({ code: 'LEDGER_SEQ_TAKEN', name: 'LedgerSeqTakenStoreError' });
    await expect(ledger.append(entry(10, 'anchor', 'batch-0'))).rejects.toMatchObject({ code: 'LEDGER_SEQ_TAKEN' });
    // The same key under another kind is fine.
    await ledger.append(entry(4, 'consent', 'batch-0'));
    await expect(ledger.append({ ...entry(11, 'anchor', 'x'), prevHash: 'ABC' })).rejects.toMatchObject({ code: 'STORE_BAD_LEDGER_ENTRY' });
    expect((await ledger.last())!.seq).toBe(4);
  });

  it('finds the latest entry by key prefix, taking the prefix literally', async () => {
    const fresh = await openTestStore(driver);
    try {
      const r = new LedgerEntryRepository(fresh.dataSource);
      const keys: [LedgerEntryKind, string][] = [
        ['consent', 'subj-a:1'], ['consent', 'subj-b:1'], ['consent', 'subj-a:2'], ['consent', 'SUBJ-A:3'], ['anchor', 'subj-a:9'],
        ['consent', 'subj-ab:1'], ['consent', 'p%x:1'], ['consent', 'p_y:1'], ['consent', 'pzx:1'], ['consent', 'é中:1'],
      ];
      for (const [i, [kind, key]] of keys.entries()) await r.append(entry(i, kind, key));
      expect((await r.findLatestByPrefix('consent', 'subj-a:'))!.entryKey).toBe('subj-a:2');
      expect((await r.findLatestByPrefix('consent', 'subj-a'))!.entryKey).toBe('subj-ab:1');
      expect((await r.findLatestByPrefix('anchor', 'subj-a:'))!.entryKey).toBe('subj-a:9');
      expect(await r.findLatestByPrefix('consent', 'subj-c:')).toBeUndefined();
      expect((await r.findLatestByPrefix('consent', 'p%'))!.entryKey).toBe('p%x:1');
      expect((await r.findLatestByPrefix('consent', 'p_'))!.entryKey).toBe('p_y:1');
      expect((await r.findLatestByPrefix('consent', 'é'))!.entryKey).toBe('é中:1');
      expect((await r.findLatestByPrefix('consent', ''))!.seq).toBe(9);
    } finally {
      await fresh.close();
    }
  });
});

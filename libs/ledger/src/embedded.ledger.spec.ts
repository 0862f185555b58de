import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { HieError, InvalidInputError } from '@hie/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmbeddedLedger, type EmbeddedLedgerKeys } from './embedded.ledger.js';
import { LedgerIntegrityError, LedgerSeqTakenError, LedgerUnavailableError } from './ledger.errors.js';
import { computeEntryHash, GENESIS_PREV_HASH } from './ledger-entry.hash.js';
import type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStore } from './ledger-entry.store.js';
import { MemoryLedgerEntryStore } from './memory.ledger-entry-store.js';

const hex32 = (): string => randomBytes(32).toString('hex');
const batch = (): { batchId: string; root: string; leafCount: number } => ({ batchId: randomUUID(), root: hex32(), leafCount: 4 });

/** The memory store with a back door: what someone with write access to the table could do. */
class TamperableStore extends MemoryLedgerEntryStore {
  tamper(seq: number, change: (row: LedgerEntryRow) => void): void {
    const row = this.rows.find((r) => r.seq === seq);
    if (!row) throw new Error(`no row ${seq}`);
    change(row);
  }
  remove(seq: number): void {
    this.rows.splice(
      this.rows.findIndex((r) => r.seq === seq),
      1,
    );
  }
}

/** Lets other async work run between a store's reads and writes, as a database round trip does. */
class SlowStore implements LedgerEntryStore {
  appendAttempts = 0;
  constructor(readonly inner: LedgerEntryStore) {}
  private pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  async append(row: LedgerEntryRow): Promise<void> {
    this.appendAttempts++;
    await this.pause();
    return this.inner.append(row);
  }
  async last(): Promise<LedgerEntryRow | undefined> {
    await this.pause();
    return this.inner.last();
  }
  async findByKey(kind: LedgerEntryKind, key: string): Promise<LedgerEntryRow | undefined> {
    await this.pause();
    return this.inner.findByKey(kind, key);
  }
  async findLatestByPrefix(kind: LedgerEntryKind, prefix: string): Promise<LedgerEntryRow | undefined> {
    await this.pause();
    return this.inner.findLatestByPrefix(kind, prefix);
  }
  scan(afterSeq: number, limit: number): Promise<LedgerEntryRow[]> {
    return this.inner.scan(afterSeq, limit);
  }
}

function setup(): { store: TamperableStore; ledger: EmbeddedLedger; keys: EmbeddedLedgerKeys } {
  const store = new TamperableStore();
  const keys = generateKeyPairSync('ed25519');
  return { store, ledger: new EmbeddedLedger(store, keys), keys };
}

async function filled(): Promise<ReturnType<typeof setup> & { batchIds: string[] }> {
  const s = setup();
  const batchIds: string[] = [];
  for (let i = 0; i < 5; i++) batchIds.push((await s.ledger.anchor(batch())).batchId);
  await s.ledger.recordConsent({ consentId: hex32(), subject: hex32(), grantee: hex32(), scopeHash: hex32(), periodStart: new Date(), status: 'active' });
  await s.ledger.recordErasure({ erasureId: randomUUID(), subject: hex32(), at: new Date() });
  return { ...s, batchIds };
}

describe('EmbeddedLedger chain', () => {
  it('hash-chains and signs entries from a genesis of 64 zeros; verifyChain walks them all in pages', async () => {
    const { store, ledger, keys } = await filled();
    const rows = await store.scan(0, 100);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0]!.prevHash).toBe(GENESIS_PREV_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.entryHash);
    expect(rows.map((r) => r.kind)).toEqual(['anchor', 'anchor', 'anchor', 'anchor', 'anchor', 'consent', 'erasure']);
    expect(rows[5]!.entryKey).toMatch(/^[0-9a-f]{64}#1$/);
    expect(await ledger.verifyChain()).toEqual({ ok: true, entries: 7 });
    // Pages smaller than the chain: still every entry, and links checked across page edges.
    const paged = new EmbeddedLedger(store, keys, { pageSize: 3 });
    expect(await paged.verifyChain()).toEqual({ ok: true, entries: 7 });
    expect(await new EmbeddedLedger(new MemoryLedgerEntryStore(), generateKeyPairSync('ed25519')).verifyChain()).toEqual({ ok: true, entries: 0 });
  });

  it('pins the entry hash encoding (a change would orphan every stored chain)', () => {
    const hash = computeEntryHash({
      seq: 1,
      kind: 'anchor',
      entryKey: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      payload: '{"batchId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","leafCount":2,"root":"' + 'ab'.repeat(32) + '"}',
      prevHash: GENESIS_PREV_HASH,
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
    });
    // Computed independently (Python hashlib/struct) from the encoding documented on computeEntryHash.
    expect(hash).toBe('17b4a6ad32a64044f3662764a1fb68f188be6ac6244c8a8e8616cbe92a3d48ab');
  });

  it('the payload is canonical JSON of the entry fields, with no more than the ledger was given', async () => {
    const { store, ledger } = setup();
    const request = { batchId: randomUUID(), root: hex32(), leafCount: 12 };
    await ledger.anchor(request);
    expect((await store.last())!.payload).toBe(`{"batchId":"${request.batchId}","leafCount":12,"root":"${request.root}"}`);
  });

  describe('tampering with the table is found by verifyChain and by findAnchor', () => {
    // Each change returns the batchId to look the altered entry up by.
    const cases: [string, (row: LedgerEntryRow) => string | void, RegExp][] = [
      ['payload (another root)', (r) => void (r.payload = r.payload.replace(/"root":"[0-9a-f]{2}/, '"root":"00')), /entryHash/],
      ['payload (another leaf count)', (r) => void (r.payload = r.payload.replace('"leafCount":4', '"leafCount":5')), /entryHash/],
      ['prevHash', (r) => void (r.prevHash = hex32()), /prevHash/],
      ['signature', (r) => void (r.signature = sign(null, Buffer.from(r.entryHash, 'hex'), generateKeyPairSync('ed25519').privateKey).toString('base64')), /signature/],
      ['createdAt', (r) => void (r.createdAt = new Date(r.createdAt.getTime() + 1)), /entryHash/],
      ['entryKey', (r) => (r.entryKey = randomUUID()), /entryHash/],
    ];
    it.each(cases)('%s', async (_name, change, reason) => {
      const { store, ledger, batchIds } = await filled();
      let lookup = batchIds[2]!;
      store.tamper(3, (row) => (lookup = change(row) ?? lookup));
      const check = await ledger.verifyChain();
      expect(check.ok).toBe(false);
      expect(check).toMatchObject({ seq: 3, reason: expect.stringMatching(reason) });
      await expect(ledger.findAnchor(lookup)).rejects.toBeInstanceOf(LedgerIntegrityError);
      // Untouched entries still read fine.
      expect(await ledger.findAnchor(batchIds[0]!)).toBeDefined();
    });

    it('a payload rewritten with a recomputed hash still fails: the signature needs the key', async () => {
      const { store, ledger, batchIds } = await filled();
      store.tamper(2, (r) => {
        r.payload = r.payload.replace('"leafCount":4', '"leafCount":9');
        r.entryHash = computeEntryHash(r);
      });
      expect(await ledger.verifyChain()).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/signature/) });
      await expect(ledger.findAnchor(batchIds[1]!)).rejects.toMatchObject({ code: 'LEDGER_INTEGRITY' });
    });

    it('an entry re-signed by another key, with the chain after it rebuilt, fails at that entry', async () => {
      const { store, ledger } = await filled();
      const forger = generateKeyPairSync('ed25519').privateKey;
      for (let seq = 4; seq <= 7; seq++) {
        const prev = (await store.scan(seq - 2, 1))[0]!;
        store.tamper(seq, (r) => {
          if (seq === 4) r.payload = r.payload.replace('"leafCount":4', '"leafCount":1');
          r.prevHash = prev.entryHash;
          r.entryHash = computeEntryHash(r);
          r.signature = sign(null, Buffer.from(r.entryHash, 'hex'), forger).toString('base64');
        });
      }
      expect(await ledger.verifyChain()).toEqual({ ok: false, seq: 4, reason: 'signature does not verify' });
    });

    it('a removed entry breaks the numbering and the links', async () => {
      const { store, ledger } = await filled();
      store.remove(4);
      expect(await ledger.verifyChain()).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/seq/) });
      store.remove(1);
      expect(await ledger.verifyChain()).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/start/) });
    });

    it('a payload that is not what the ledger writes (non-canonical, wrong key) fails as payload', async () => {
      const { store, ledger, keys } = await filled();
      const forge = (seq: number, change: (r: LedgerEntryRow) => void): void =>
        store.tamper(seq, (r) => {
          change(r);
          r.entryHash = computeEntryHash(r);
          r.signature = sign(null, Buffer.from(r.entryHash, 'hex'), keys.privateKey).toString('base64');
        });
      // Even signed with the right key (a bug, not an attacker): the shape is checked too.
      forge(2, (r) => (r.payload = r.payload.replace('{', '{ ')));
      const row = (await store.scan(1, 1))[0]!;
      expect(ledger.verifyEntry(row)).toEqual({ ok: false, reason: 'payload is not in canonical form' });
      forge(3, (r) => (r.entryKey = randomUUID()));
      expect(ledger.verifyEntry((await store.scan(2, 1))[0]!)).toEqual({ ok: false, reason: 'payload does not match entryKey' });
    });

    it('the ledger refuses to extend a chain whose head was altered', async () => {
      const { store, ledger } = await filled();
      store.tamper(7, (r) => (r.payload = r.payload.replace('"at":"', '"at":"1')));
      await expect(ledger.anchor(batch())).rejects.toBeInstanceOf(LedgerIntegrityError);
      expect((await store.last())!.seq).toBe(7);
    });
  });

  it('several ledgers (processes) appending to one table at once: no gaps, no duplicates, one chain', async () => {
    const memory = new MemoryLedgerEntryStore();
    const keys = generateKeyPairSync('ed25519');
    const slow = new SlowStore(memory);
    const processes = [1, 2, 3, 4].map(() => new EmbeddedLedger(slow, keys, { maxAppendAttempts: 200 }));
    const shared = batch();
    const work = processes.flatMap((ledger, p) => [
      ...Array.from({ length: 10 }, () => ledger.anchor(batch())),
      ledger.anchor(shared), // every process anchors this one batch too
      ledger.recordConsent({ consentId: 'c'.repeat(64), subject: 'd'.repeat(64), grantee: 'e'.repeat(64), scopeHash: 'f'.repeat(64), periodStart: new Date(0), status: p % 2 ? 'active' : 'revoked' }),
    ]);
    const results = await Promise.all(work);
    expect(results.length).toBe(48);
    const rows = await memory.scan(0, 1000);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.kind === 'anchor' && r.entryKey === shared.batchId)).toHaveLength(1);
    // Consent: each recorded state that differs from the one before is a new version.
    const versions = rows.filter((r) => r.kind === 'consent').map((r) => r.entryKey.split('#')[1]);
    expect(versions).toEqual(versions.map((_, i) => String(i + 1)));
    expect(await processes[0]!.verifyChain()).toEqual({ ok: true, entries: rows.length });
    expect(slow.appendAttempts).toBeGreaterThan(rows.length); // there were collisions, and they were retried
  });

  it("retries on a store's own HieError with code LEDGER_SEQ_TAKEN (the engine's store cannot import this lib's class)", async () => {
    const memory = new MemoryLedgerEntryStore();
    let collisions = 2;
    const store: LedgerEntryStore = {
      append: async (row) => {
        if (collisions-- > 0) throw new HieError('LEDGER_SEQ_TAKEN', 'seq taken', { seq: row.seq });
        return memory.append(row);
      },
      last: () => memory.last(),
      findByKey: (k, key) => memory.findByKey(k, key),
      findLatestByPrefix: (k, p) => memory.findLatestByPrefix(k, p),
      scan: (a, l) => memory.scan(a, l),
    };
    const ledger = new EmbeddedLedger(store, generateKeyPairSync('ed25519'));
    const record = await ledger.anchor(batch());
    expect(record.blockNumber).toBe(1);
    expect(collisions).toBe(-1);
  });

  it('gives up with LedgerUnavailableError (busy) after a bounded number of lost races', async () => {
    const memory = new MemoryLedgerEntryStore();
    const alwaysTaken: LedgerEntryStore = {
      append: async () => {
        throw new LedgerSeqTakenError();
      },
      last: () => memory.last(),
      findByKey: (k, key) => memory.findByKey(k, key),
      findLatestByPrefix: (k, p) => memory.findLatestByPrefix(k, p),
      scan: (a, l) => memory.scan(a, l),
    };
    const ledger = new EmbeddedLedger(alwaysTaken, generateKeyPairSync('ed25519'), { maxAppendAttempts: 3 });
    await expect(ledger.anchor(batch())).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE', details: { reason: 'busy', attempts: 3 } });
  });

  it('a store failure becomes LedgerUnavailableError with the cause kept', async () => {
    const cause = new Error('terminating connection due to administrator command');
    const broken: LedgerEntryStore = {
      append: async () => Promise.reject(cause),
      last: async () => undefined,
      findByKey: async () => undefined,
      findLatestByPrefix: async () => undefined,
      scan: async () => [],
    };
    const ledger = new EmbeddedLedger(broken, generateKeyPairSync('ed25519'));
    const error = await ledger.anchor(batch()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect((error as Error).cause).toBe(cause);
  });

  it('refuses keys that are not one Ed25519 pair', () => {
    const a = generateKeyPairSync('ed25519');
    const b = generateKeyPairSync('ed25519');
    expect(() => new EmbeddedLedger(new MemoryLedgerEntryStore(), { privateKey: a.privateKey, publicKey: b.publicKey })).toThrow(InvalidInputError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new EmbeddedLedger(new MemoryLedgerEntryStore(), ec)).toThrow(InvalidInputError);
  });

  it('property: any sequence of operations leaves one valid chain, and every write can be read back', async () => {
    const subject = fc.constantFrom(...Array.from({ length: 3 }, (_, i) => String(i + 1).repeat(64)));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('anchor' as const), id: fc.integer({ min: 0, max: 5 }), root: fc.constantFrom('a', 'b'), leafCount: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('consent' as const), id: fc.integer({ min: 1, max: 3 }), subject, status: fc.constantFrom('active' as const, 'revoked' as const), end: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('erasure' as const), id: fc.integer({ min: 0, max: 3 }), subject }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const { store, ledger } = setup();
        const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
        for (const o of ops) {
          const attempt =
            o.kind === 'anchor'
              ? ledger.anchor({ batchId: uuid(o.id), root: o.root.repeat(64), leafCount: o.leafCount })
              : o.kind === 'consent'
                ? ledger.recordConsent({ consentId: String(o.id).repeat(64), subject: o.subject, grantee: '0'.repeat(64), scopeHash: '0'.repeat(64), periodStart: new Date(1000), periodEnd: o.end === undefined ? undefined : new Date(1000 + o.end), status: o.status })
                : ledger.recordErasure({ erasureId: uuid(o.id), subject: o.subject, at: new Date(5) });
          await attempt.catch((error: unknown) => {
            if (!(error instanceof Error) || (error as { code?: string }).code !== 'LEDGER_CONFLICT') throw error;
          });
        }
        const rows = await store.scan(0, 1000);
        expect(await ledger.verifyChain()).toEqual({ ok: true, entries: rows.length });
        for (const row of rows.filter((r) => r.kind === 'anchor')) expect((await ledger.findAnchor(row.entryKey))?.txHash).toBe(row.entryHash);
        // No two consecutive versions of a consent are the same state.
        const consents = rows.filter((r) => r.kind === 'consent');
        for (let i = 1; i < consents.length; i++) {
          const [a, b] = [consents[i - 1]!, consents[i]!];
          if (a.entryKey.split('#')[0] === b.entryKey.split('#')[0]) expect(a.payload).not.toBe(b.payload);
        }
      }),
      { numRuns: 60 },
    );
  });
});

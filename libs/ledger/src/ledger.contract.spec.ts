import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError } from '@hie/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedLedger } from './embedded.ledger.js';
import { startTestChain, type TestChain } from './evm-chain.test-helper.js';
import { uuidToWord, hex32ToWord } from './evm.codec.js';
import { EvmLedger } from './evm.ledger.js';
import { LedgerConflictError, LedgerUnavailableError } from './ledger.errors.js';
import type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStore } from './ledger-entry.store.js';
import type { ConsentEntry, Ledger } from './ledger.port.js';
import { MemoryLedgerEntryStore } from './memory.ledger-entry-store.js';

/**
 * One contract suite, run against both drivers: what the pipeline relies on must hold for the
 * embedded ledger and for the EVM contract alike. The EVM driver runs against a real Hardhat
 * node behind a TCP proxy (taken down to make the chain unreachable); the embedded one against
 * an in-memory store wrapped in a fake that can fail like a database that is down.
 */

interface Harness {
  ledger: Ledger;
  /** Ledger entries / BatchAnchored logs for this batch. */
  anchorsOf(batchId: string): Promise<number>;
  /** Writes so far (entries / transactions), to prove a repeat wrote nothing. */
  writes(): Promise<number>;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

interface Driver {
  name: 'embedded' | 'evm';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  harness(): Promise<Harness>;
}

/** A store that fails like a database that went away, while `down`. */
class FlakyStore implements LedgerEntryStore {
  down = false;
  constructor(readonly inner: MemoryLedgerEntryStore) {}
  private gate(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
  async append(row: LedgerEntryRow): Promise<void> {
    this.gate();
    return this.inner.append(row);
  }
  async last(): Promise<LedgerEntryRow | undefined> {
    this.gate();
    return this.inner.last();
  }
  async findByKey(kind: LedgerEntryKind, entryKey: string): Promise<LedgerEntryRow | undefined> {
    this.gate();
    return this.inner.findByKey(kind, entryKey);
  }
  async findLatestByPrefix(kind: LedgerEntryKind, prefix: string): Promise<LedgerEntryRow | undefined> {
    this.gate();
    return this.inner.findLatestByPrefix(kind, prefix);
  }
  async scan(afterSeq: number, limit: number): Promise<LedgerEntryRow[]> {
    this.gate();
    return this.inner.scan(afterSeq, limit);
  }
}

const embedded: Driver = {
  name: 'embedded',
  async setup() {},
  async teardown() {},
  async harness() {
    const memory = new MemoryLedgerEntryStore();
    const store = new FlakyStore(memory);
    const ledger = new EmbeddedLedger(store, generateKeyPairSync('ed25519'));
    return {
      ledger,
      anchorsOf: async (batchId) => (await memory.scan(0, 1e6)).filter((r) => r.kind === 'anchor' && r.entryKey === batchId).length,
      writes: async () => (await memory.last())?.seq ?? 0,
      goDown: async () => void (store.down = true),
      comeBack: async () => void (store.down = false),
      close: () => ledger.close(),
    };
  },
};

let chain: TestChain | undefined;
const evm: Driver = {
  name: 'evm',
  async setup() {
    chain = await startTestChain();
  },
  async teardown() {
    await chain?.stop();
  },
  async harness() {
    const c = chain!;
    // The proxy may have been left down by a failed test.
    await c.proxy.start();
    const contractAddress = await c.deploy();
    const ledger = await EvmLedger.connect({ rpcUrl: c.proxy.url, privateKey: c.node.privateKey, contractAddress, timeoutMillis: 5_000 });
    return {
      ledger,
      anchorsOf: (batchId) => c.countLogs(contractAddress, 'BatchAnchored', uuidToWord(batchId)),
      writes: () => c.blockNumber(),
      goDown: () => c.proxy.stop(),
      comeBack: () => c.proxy.start(),
      close: () => ledger.close(),
    };
  },
};

const hex32 = (): string => randomBytes(32).toString('hex');

function consent(overrides: Partial<ConsentEntry> = {}): ConsentEntry {
  return {
    consentId: hex32(),
    subject: hex32(),
    grantee: hex32(),
    scopeHash: hex32(),
    periodStart: new Date('2026-01-01T08:30:00.123Z'),
    status: 'active',
    ...overrides,
  };
}

describe.each([embedded, evm])('Ledger contract: $name driver', (driver) => {
  let h: Harness;
  beforeAll(() => driver.setup());
  afterAll(() => driver.teardown());
  afterEach(async () => {
    await h?.close();
  });

  it('anchors a batch root and finds it again by batchId', async () => {
    h = await driver.harness();
    const request = { batchId: randomUUID(), root: hex32(), leafCount: 128 };
    const before = Date.now();
    const record = await h.ledger.anchor(request);

    expect(record).toMatchObject(request);
    expect(record.blockNumber).toBeGreaterThan(0);
    expect(record.txHash).toMatch(driver.name === 'evm' ? /^0x[0-9a-f]{64}$/ : /^[0-9a-f]{64}$/);
    // Block timestamps are whole seconds, from the node's clock: close to ours, not equal.
    expect(Math.abs(record.at.getTime() - before)).toBeLessThan(60_000);
    expect(await h.ledger.findAnchor(request.batchId)).toEqual(record);
    expect(await h.ledger.findAnchor(randomUUID())).toBeUndefined();
    expect(h.ledger.kind).toBe(driver.name);
  });

  it('normalises a batchId to lowercase and finds it in any case', async () => {
    h = await driver.harness();
    const batchId = randomUUID();
    const record = await h.ledger.anchor({ batchId: batchId.toUpperCase(), root: hex32(), leafCount: 1 });
    expect(record.batchId).toBe(batchId);
    expect(await h.ledger.findAnchor(batchId.toUpperCase())).toEqual(record);
  });

  it('a repeat anchor of a batchId returns the existing record and writes nothing', async () => {
    h = await driver.harness();
    const request = { batchId: randomUUID(), root: hex32(), leafCount: 7 };
    const first = await h.ledger.anchor(request);
    const writes = await h.writes();

    const again = await h.ledger.anchor({ ...request });
    expect(again).toEqual(first);
    expect(await h.writes()).toBe(writes);
    expect(await h.anchorsOf(request.batchId)).toBe(1);
  });

  it('anchoring one batch from several callers at once anchors it once', async () => {
    h = await driver.harness();
    const request = { batchId: randomUUID(), root: hex32(), leafCount: 3 };
    const records = await Promise.all([1, 2, 3, 4].map(() => h.ledger.anchor(request)));
    for (const r of records) expect(r).toEqual(records[0]);
    expect(await h.anchorsOf(request.batchId)).toBe(1);
  });

  it('anchors many batches concurrently, each once, in distinct entries', async () => {
    h = await driver.harness();
    const requests = Array.from({ length: 12 }, (_, i) => ({ batchId: randomUUID(), root: hex32(), leafCount: i + 1 }));
    const records = await Promise.all(requests.map((r) => h.ledger.anchor(r)));
    expect(new Set(records.map((r) => r.txHash)).size).toBe(requests.length);
    for (const [i, r] of records.entries()) {
      expect(r).toMatchObject(requests[i]!);
      expect(await h.ledger.findAnchor(r.batchId)).toEqual(r);
    }
  });

  it('the same batchId with another root (or leaf count) is a LedgerConflictError', async () => {
    h = await driver.harness();
    const request = { batchId: randomUUID(), root: hex32(), leafCount: 2 };
    const first = await h.ledger.anchor(request);
    const writes = await h.writes();

    await expect(h.ledger.anchor({ ...request, root: hex32() })).rejects.toBeInstanceOf(LedgerConflictError);
    await expect(h.ledger.anchor({ ...request, leafCount: 3 })).rejects.toMatchObject({ code: 'LEDGER_CONFLICT' });
    expect(await h.writes()).toBe(writes);
    expect(await h.ledger.findAnchor(request.batchId)).toEqual(first);
  });

  it('refuses malformed input before writing anything', async () => {
    h = await driver.harness();
    const writes = await h.writes();
    const ok = { batchId: randomUUID(), root: hex32(), leafCount: 1 };
    const bad = [
      { ...ok, batchId: 'not-a-uuid' },
      { ...ok, root: ok.root.toUpperCase() },
      { ...ok, root: `0x${ok.root.slice(2)}` },
      { ...ok, root: '0'.repeat(64) },
      { ...ok, leafCount: 0 },
      { ...ok, leafCount: 1.5 },
      { ...ok, leafCount: 2 ** 32 },
    ];
    for (const request of bad) await expect(h.ledger.anchor(request)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.ledger.recordConsent(consent({ periodEnd: new Date('2025-01-01T00:00:00Z') }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.ledger.recordConsent(consent({ status: 'paused' as 'active' }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(h.ledger.recordErasure({ erasureId: randomUUID(), subject: '0'.repeat(64), at: new Date() })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await h.writes()).toBe(writes);
  });

  it('records a consent, updates its status and period, and finds the latest state', async () => {
    h = await driver.harness();
    const entry = consent();
    const first = await h.ledger.recordConsent(entry);
    expect(await h.ledger.findConsent(entry.consentId)).toEqual({ ...entry, ...first });

    const revoked = { ...entry, status: 'revoked' as const, periodEnd: new Date('2026-06-30T23:59:59.999Z') };
    const second = await h.ledger.recordConsent(revoked);
    expect(second.txHash).not.toBe(first.txHash);
    expect(second.blockNumber).toBeGreaterThan(first.blockNumber);
    expect(await h.ledger.findConsent(entry.consentId)).toEqual({ ...revoked, ...second });

    // Back to active and open-ended: a change again, so a new entry.
    const third = await h.ledger.recordConsent(entry);
    expect(third.blockNumber).toBeGreaterThan(second.blockNumber);
    const found = await h.ledger.findConsent(entry.consentId);
    expect(found).toEqual({ ...entry, ...third });
    expect(found && 'periodEnd' in found).toBe(false);
    expect(await h.ledger.findConsent(hex32())).toBeUndefined();
  });

  it('recording the state a consent already has writes nothing and returns its receipt', async () => {
    h = await driver.harness();
    const entry = consent({ periodEnd: new Date('2027-01-01T00:00:00.000Z') });
    const first = await h.ledger.recordConsent(entry);
    const writes = await h.writes();
    expect(await h.ledger.recordConsent({ ...entry, periodStart: new Date(entry.periodStart.getTime()) })).toEqual(first);
    expect(await h.writes()).toBe(writes);
  });

  it('another subject, grantee or scope under a recorded consentId is a LedgerConflictError', async () => {
    h = await driver.harness();
    const entry = consent();
    await h.ledger.recordConsent(entry);
    for (const change of [{ subject: hex32() }, { grantee: hex32() }, { scopeHash: hex32() }]) {
      await expect(h.ledger.recordConsent({ ...entry, ...change, status: 'revoked' })).rejects.toBeInstanceOf(LedgerConflictError);
    }
    expect((await h.ledger.findConsent(entry.consentId))?.status).toBe('active');
  });

  it('records an erasure once; a repeat returns the same receipt, another subject conflicts', async () => {
    h = await driver.harness();
    const erasure = { erasureId: randomUUID(), subject: hex32(), at: new Date() };
    const receipt = await h.ledger.recordErasure(erasure);
    expect(receipt.blockNumber).toBeGreaterThan(0);
    const writes = await h.writes();

    expect(await h.ledger.recordErasure({ ...erasure, at: new Date(erasure.at.getTime() + 5_000) })).toEqual(receipt);
    expect(await h.writes()).toBe(writes);
    await expect(h.ledger.recordErasure({ ...erasure, subject: hex32() })).rejects.toBeInstanceOf(LedgerConflictError);
  });

  it('an unreachable ledger gives LedgerUnavailableError, writes nothing, and works again once back', async () => {
    h = await driver.harness();
    const before = await h.ledger.anchor({ batchId: randomUUID(), root: hex32(), leafCount: 5 });
    const pending = { batchId: randomUUID(), root: hex32(), leafCount: 9 };

    await h.goDown();
    await expect(h.ledger.anchor(pending)).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(h.ledger.findAnchor(before.batchId)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    await expect(h.ledger.recordConsent(consent())).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(h.ledger.findConsent(hex32())).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(h.ledger.recordErasure({ erasureId: randomUUID(), subject: hex32(), at: new Date() })).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );

    await h.comeBack();
    // State kept across the outage; the batch that failed was not anchored, and now is, once.
    expect(await h.ledger.findAnchor(before.batchId)).toEqual(before);
    expect(await h.ledger.findAnchor(pending.batchId)).toBeUndefined();
    const after = await h.ledger.anchor(pending);
    expect(after.blockNumber).toBeGreaterThan(before.blockNumber);
    expect(await h.anchorsOf(pending.batchId)).toBe(1);
  });

  it('a closed ledger refuses writes as unavailable', async () => {
    h = await driver.harness();
    await h.ledger.close();
    await expect(h.ledger.anchor({ batchId: randomUUID(), root: hex32(), leafCount: 1 })).rejects.toBeInstanceOf(LedgerUnavailableError);
  });
});

// Keeps the codec import honest for readers: the EVM words are the ids themselves.
describe('EVM words', () => {
  it('puts a uuid left-aligned in a bytes32 and a Hex32 as is', () => {
    expect(uuidToWord('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe(`0x0190a1b2c3d47e5f8a9b0c1d2e3f4a5b${'0'.repeat(32)}`);
    expect(hex32ToWord('ab'.repeat(32))).toBe(`0x${'ab'.repeat(32)}`);
  });
});

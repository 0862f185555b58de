import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError } from '@hie/common';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestChain, type TestChain } from './evm-chain.test-helper.js';
import { uuidToWord } from './evm.codec.js';
import { EvmLedger } from './evm.ledger.js';
import { hieLedgerInterface } from './hie-ledger.artifact.js';
import { setLedgerWriter } from './hie-ledger.deploy.js';
import { LedgerIntegrityError, LedgerUnavailableError } from './ledger.errors.js';
import type { AnchorRecord, AnchorRequest } from './ledger.port.js';

/** EVM-only behaviour, against a real Hardhat node (behind a TCP proxy for outages). */

const hex32 = (): string => randomBytes(32).toString('hex');
const batch = (leafCount = 16): AnchorRequest => ({ batchId: randomUUID(), root: hex32(), leafCount });

let chain: TestChain;
let contractAddress: string;

beforeAll(async () => {
  chain = await startTestChain();
  contractAddress = await chain.deploy();
});
afterAll(async () => {
  await chain?.stop();
});

const connect = (options: { privateKey?: string; timeoutMillis?: number; rpcUrl?: string; contractAddress?: string } = {}): Promise<EvmLedger> =>
  EvmLedger.connect({
    rpcUrl: options.rpcUrl ?? chain.proxy.url,
    privateKey: options.privateKey ?? chain.node.privateKey,
    contractAddress: options.contractAddress ?? contractAddress,
    timeoutMillis: options.timeoutMillis ?? 5_000,
  });

describe('EvmLedger on Hardhat', () => {
  it('anchors batch after batch, each in its own mined transaction, with modest gas', async () => {
    // Latency is measured by `npm run bench` (BENCHMARKS.md), not asserted here.
    const ledger = await connect();
    try {
      const records: AnchorRecord[] = [];
      for (let i = 0; i < 100; i++) records.push(await ledger.anchor(batch()));
      const receipt = await chain.direct.getTransactionReceipt(records[0]!.txHash);
      expect(receipt?.status).toBe(1);
      // Two fresh storage slots (~44k) + the 21k base + the event: more means a layout regression.
      expect(Number(receipt?.gasUsed)).toBeLessThan(80_000);
      expect(new Set(records.map((r) => r.blockNumber)).size).toBe(100);
    } finally {
      await ledger.close();
    }
  });

  it('reports gas of a consent record, a consent update and an erasure', async () => {
    const ledger = await connect();
    try {
      const entry = { consentId: hex32(), subject: hex32(), grantee: hex32(), scopeHash: hex32(), periodStart: new Date(), status: 'active' as const };
      const created = await ledger.recordConsent(entry);
      const updated = await ledger.recordConsent({ ...entry, status: 'revoked' });
      const erased = await ledger.recordErasure({ erasureId: randomUUID(), subject: hex32(), at: new Date() });
      const gas = async (txHash: string): Promise<number> => Number((await chain.direct.getTransactionReceipt(txHash))?.gasUsed);
      const [c, u, e] = [await gas(created.txHash), await gas(updated.txHash), await gas(erased.txHash)];
      console.info(`[ledger] EVM gas: consent record ${c}, consent update ${u}, erasure ${e}`);
      // An update rewrites one packed slot, not the four a new consent takes.
      expect(u).toBeLessThan(c / 2);
      expect(e).toBeLessThan(80_000);
    } finally {
      await ledger.close();
    }
  });

  it('a restarted engine (new connection) resending an anchored batch gets the first record, no second tx', async () => {
    const request = batch();
    const first = await connect();
    const record = await first.anchor(request);
    await first.close();

    const second = await connect();
    try {
      const blocks = await chain.blockNumber();
      expect(await second.anchor(request)).toEqual(record);
      expect(await chain.blockNumber()).toBe(blocks);
      expect(await chain.countLogs(contractAddress, 'BatchAnchored', uuidToWord(request.batchId))).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('when the contract refuses a batch another writer anchored meanwhile, the first anchoring is returned', async () => {
    const request = batch();
    const other = await connect();
    const ledger = await connect();
    try {
      const record = await other.anchor(request);
      // This ledger looked just before the other writer's transaction was mined.
      const spy = vi.spyOn(ledger, 'findAnchor').mockResolvedValueOnce(undefined);
      expect(await ledger.anchor(request)).toEqual(record);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(await chain.countLogs(contractAddress, 'BatchAnchored', uuidToWord(request.batchId))).toBe(1);
      // The refused call was a dry run: the nonce count is intact and the next anchor works.
      expect((await ledger.anchor(batch())).blockNumber).toBeGreaterThan(record.blockNumber);
    } finally {
      await other.close();
      await ledger.close();
    }
  });

  it('two engines with their own keys anchoring the same batch at once anchor it once', async () => {
    const key = (await chain.fundedAccount(contractAddress)).privateKey;
    const a = await connect();
    const b = await connect({ privateKey: key });
    try {
      for (let i = 0; i < 5; i++) {
        const request = batch();
        const [ra, rb] = await Promise.all([a.anchor(request), b.anchor(request)]);
        expect(ra).toEqual(rb);
        expect(await chain.countLogs(contractAddress, 'BatchAnchored', uuidToWord(request.batchId))).toBe(1);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('resyncs its nonce when the same key was used elsewhere ("nonce too low")', async () => {
    const ledger = await connect();
    try {
      await ledger.anchor(batch()); // the ledger now counts nonces itself
      // Another process with the same key sends two transactions behind its back.
      const elsewhere = new Wallet(chain.node.privateKey, chain.direct);
      for (let i = 0; i < 2; i++) await (await elsewhere.sendTransaction({ to: elsewhere.address, value: 1n })).wait();
      const request = batch();
      const record = await ledger.anchor(request);
      expect(await ledger.findAnchor(request.batchId)).toEqual(record);
    } finally {
      await ledger.close();
    }
  });

  it('an account that is not a writer is unavailable (not-authorised) until the owner authorises it', async () => {
    const outsider = await chain.fundedAccount();
    const ledger = await connect({ privateKey: outsider.privateKey });
    try {
      const request = batch();
      await expect(ledger.anchor(request)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE', details: { reason: 'not-authorised' } });
      expect(await ledger.findAnchor(request.batchId)).toBeUndefined();

      await setLedgerWriter({ rpcUrl: chain.node.rpcUrl, privateKey: chain.node.privateKey, contractAddress, writer: ledger.signerAddress, allowed: true });
      expect(await ledger.anchor(request)).toMatchObject(request);

      await setLedgerWriter({ rpcUrl: chain.node.rpcUrl, privateKey: chain.node.privateKey, contractAddress, writer: ledger.signerAddress, allowed: false });
      await expect(ledger.anchor(batch())).rejects.toMatchObject({ details: { reason: 'not-authorised' } });
      // Only the owner manages writers.
      await expect(
        setLedgerWriter({ rpcUrl: chain.node.rpcUrl, privateKey: outsider.privateKey, contractAddress, writer: outsider.address, allowed: true }),
      ).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE', details: { reason: 'not-authorised' } });
    } finally {
      await ledger.close();
    }
  });

  it('keeps anchoring through a node outage: the pipeline retries until the chain is back, each batch once', async () => {
    const ledger = await connect({ timeoutMillis: 1_000 });
    const requests = Array.from({ length: 20 }, () => batch());
    let unavailable = 0;
    let restarted: Promise<void> | undefined;
    const deadline = Date.now() + 20_000;
    try {
      for (const [i, request] of requests.entries()) {
        if (i === 5) {
          await chain.proxy.stop(); // the node goes away mid-run...
          // ...and comes back on the same address, with its state, a little later.
          restarted = new Promise((resolve) => setTimeout(resolve, 300)).then(() => chain.proxy.start());
        }
        for (;;) {
          try {
            await ledger.anchor(request);
            break;
          } catch (error) {
            expect(error).toBeInstanceOf(LedgerUnavailableError);
            expect(Date.now()).toBeLessThan(deadline);
            unavailable++;
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        }
      }
      await restarted;
      expect(unavailable).toBeGreaterThan(0);
      for (const request of requests) {
        expect(await ledger.findAnchor(request.batchId)).toMatchObject(request);
        expect(await chain.countLogs(contractAddress, 'BatchAnchored', uuidToWord(request.batchId))).toBe(1);
      }
    } finally {
      await restarted?.catch(() => undefined);
      await chain.proxy.start();
      await ledger.close();
    }
  });

  it('a hung node (connections accepted, never answered) times out as unavailable', async () => {
    const ledger = await connect({ timeoutMillis: 300 });
    try {
      await chain.proxy.hang();
      // Let the client see its pooled keep-alive sockets closed, so the next request dials anew.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await expect(ledger.anchor(batch())).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE', details: { reason: 'timeout' } });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(3_000);
      await chain.proxy.start();
      expect((await ledger.anchor(batch())).blockNumber).toBeGreaterThan(0);
    } finally {
      await chain.proxy.start();
      await ledger.close();
    }
  });

  it('connect: unreachable node → unavailable; no contract at the address → integrity; malformed key → invalid input', async () => {
    await chain.proxy.stop();
    await expect(connect()).rejects.toBeInstanceOf(LedgerUnavailableError);
    await chain.proxy.start();

    await expect(connect({ contractAddress: Wallet.createRandom().address })).rejects.toBeInstanceOf(LedgerIntegrityError);
    const badKey = '0x1234';
    const failure = await connect({ privateKey: badKey }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInputError);
    expect(String((failure as Error).message)).not.toContain(badKey);
  });
});

describe('HieLedger contract rules (called directly)', () => {
  it('reverts zero values and unknown statuses with custom errors, and only the owner manages writers', async () => {
    const owner = new Wallet(chain.node.privateKey, chain.direct);
    const contract = new Contract(contractAddress, hieLedgerInterface, owner);
    const word = `0x${hex32()}`;
    const revertName = async (call: Promise<unknown>): Promise<string | undefined> => {
      const error = (await call.catch((e: unknown) => e)) as { data?: string; revert?: { name: string } };
      return error.revert?.name ?? (error.data ? hieLedgerInterface.parseError(error.data)?.name : undefined);
    };
    expect(await revertName(contract.getFunction('anchor').staticCall(word, `0x${'0'.repeat(64)}`, 1))).toBe('ZeroValue');
    expect(await revertName(contract.getFunction('anchor').staticCall(word, word, 0))).toBe('ZeroValue');
    expect(await revertName(contract.getFunction('recordConsent').staticCall(word, word, word, word, 1, 0, 3))).toBe('InvalidStatus');
    expect(await revertName(contract.getFunction('recordErasure').staticCall(word, `0x${'0'.repeat(64)}`))).toBe('ZeroValue');
    const stranger = new Contract(contractAddress, hieLedgerInterface, new Wallet(Wallet.createRandom().privateKey, chain.direct));
    expect(await revertName(stranger.getFunction('setWriter').staticCall(owner.address, false))).toBe('NotOwner');
    expect(await revertName(stranger.getFunction('anchor').staticCall(word, word, 1))).toBe('NotWriter');
    expect(await contract.getFunction('owner').staticCall()).toBe(owner.address);
    expect(await contract.getFunction('writers').staticCall(owner.address)).toBe(true);
  });
});

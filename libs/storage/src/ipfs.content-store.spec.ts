import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.js';
import { createContentStore } from './create-content-store.js';
import { IpfsContentStore, type StorageLogger } from './ipfs.content-store.js';
import { ContentNotFoundError, ContentTooLargeError, InvalidCidError } from './storage.errors.js';
import { unixfsCidOfBytes } from './unixfs.cid-calculator.js';

const FETCH_TIMEOUT = 2000;

class CapturingLogger implements StorageLogger {
  readonly warnings: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
}

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

function onLoopbackOnly(addresses: readonly string[]): void {
  expect(addresses.length).toBeGreaterThan(0);
  for (const address of addresses) expect(address).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+(\/p2p\/\w+)?$/);
}

// Two (then three) real Helia nodes, libp2p over TCP on 127.0.0.1, bitswap between them.
describe('IpfsContentStore on loopback', () => {
  const stores: IpfsContentStore[] = [];
  let root: string;
  let a: IpfsContentStore;
  let b: IpfsContentStore;
  let idA: string;
  const ciphertext = randomBytes(3 * 1024 * 1024);
  let cid: string;

  const open = async (name: string, options: { peers?: string[]; listen?: string[]; logger?: StorageLogger } = {}) => {
    const store = await IpfsContentStore.create({ repoDir: join(root, name), fetchTimeoutMillis: FETCH_TIMEOUT, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hie-ipfs-'));
    a = await open('a');
    idA = a.peerId();
    b = await open('b', { peers: a.multiaddrs() });
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on loopback only and advertises /p2p/<peer id>', () => {
    onLoopbackOnly(a.multiaddrs());
    for (const address of a.multiaddrs()) expect(address.endsWith(`/p2p/${idA}`)).toBe(true);
  });

  it('A puts a ciphertext (same CID as the local driver); B, knowing only the CID, fetches it over bitswap', async () => {
    cid = await a.put(ciphertext);
    expect(cid).toBe((await unixfsCidOfBytes(ciphertext)).toString());
    expect(await a.has(cid)).toBe(true);
    expect(await b.has(cid)).toBe(false);
    const fetched = await b.getBytes(cid);
    expect(fetched.equals(ciphertext)).toBe(true);
    expect(await b.has(cid)).toBe(true);
    // Nothing but loopback was dialled or accepted.
    onLoopbackOnly(a.connectionAddresses());
    onLoopbackOnly(b.connectionAddresses());
  });

  it('streams content back in chunks, and B can pin what it fetched', async () => {
    let total = 0;
    const parts: Uint8Array[] = [];
    for await (const part of b.get(cid)) {
      total += part.byteLength;
      parts.push(part);
    }
    expect(total).toBe(ciphertext.byteLength);
    expect(Buffer.concat(parts).equals(ciphertext)).toBe(true);
    await b.pin(cid);
    await b.pin(cid);
  });

  it('a streamed put gives the same CID as put of the whole bytes, even from a reused buffer', async () => {
    const bytes = randomBytes(1024 * 1024 + 99);
    const streamed = await a.put(chunks(bytes, 100_000));
    expect(streamed).toBe((await unixfsCidOfBytes(bytes)).toString());
    expect((await a.getBytes(streamed)).equals(bytes)).toBe(true);
    async function* reusing(): AsyncIterable<Uint8Array> {
      const buffer = Buffer.alloc(100_000);
      for (let offset = 0; offset < bytes.byteLength; offset += buffer.byteLength) {
        const part = bytes.subarray(offset, offset + buffer.byteLength);
        part.copy(buffer);
        yield buffer.subarray(0, part.byteLength);
      }
    }
    expect(await a.put(reusing())).toBe(streamed);
  });

  it('answers ContentNotFoundError for a CID nobody has, within the configured timeout', async () => {
    const nobodys = (await unixfsCidOfBytes(randomBytes(100))).toString();
    const started = performance.now();
    await expect(b.getBytes(nobodys)).rejects.toBeInstanceOf(ContentNotFoundError);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(FETCH_TIMEOUT - 50);
    expect(elapsed).toBeLessThan(FETCH_TIMEOUT + 3000);
    expect(await b.has(nobodys)).toBe(false);
  });

  it("a caller's abort wins over the fetch timeout (its reason, not ContentNotFoundError)", async () => {
    const nobodys = (await unixfsCidOfBytes(randomBytes(100))).toString();
    const started = performance.now();
    await expect(b.getBytes(nobodys, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(FETCH_TIMEOUT);
  });

  it('getBytes refuses content over maxBytes', async () => {
    await expect(b.getBytes(cid, { maxBytes: 1000 })).rejects.toBeInstanceOf(ContentTooLargeError);
  });

  it('refuses invalid CIDs', async () => {
    await expect(b.getBytes('not-a-cid')).rejects.toBeInstanceOf(InvalidCidError);
    await expect(b.has('bafy')).rejects.toBeInstanceOf(InvalidCidError);
  });

  it("A's content and peer id survive a restart; a peer unreachable at start is a warning, re-dialled on a fetch miss", async () => {
    const port = await freePort();
    const addressOfA = `/ip4/127.0.0.1/tcp/${port}/p2p/${idA}`;
    await a.close();

    const logger = new CapturingLogger();
    const c = await open('c', { peers: [addressOfA], logger });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(addressOfA);

    const restarted = await open('a', { listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    expect(restarted.peerId()).toBe(idA);
    expect(await restarted.has(cid)).toBe(true);
    expect((await restarted.getBytes(cid)).equals(ciphertext)).toBe(true);
    expect(await restarted.put(ciphertext)).toBe(cid);

    expect(await c.has(cid)).toBe(false);
    expect((await c.getBytes(cid)).equals(ciphertext)).toBe(true);
    onLoopbackOnly(c.connectionAddresses());
  });

  it('unpin is idempotent and runs no GC (content stays readable)', async () => {
    const bytes = randomBytes(5000);
    const own = await b.put(bytes);
    await b.unpin(own);
    await b.unpin(own);
    expect(await b.has(own)).toBe(true);
  });

  it('createContentStore opens the ipfs driver', async () => {
    const store = await createContentStore({ kind: 'ipfs', repoDir: join(root, 'factory'), fetchTimeoutMillis: FETCH_TIMEOUT });
    expect(store.kind).toBe('ipfs');
    await store.close();
  });
});

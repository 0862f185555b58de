import { randomBytes, randomFillSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CID } from 'multiformats/cid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalContentStore } from './local.content-store.js';
import {
  ContentIntegrityError,
  ContentNotFoundError,
  ContentTooLargeError,
  InvalidCidError,
  StorageUnavailableError,
} from './storage.errors.js';
import { unixfsCidOfBytes } from './unixfs.cid-calculator.js';

const MiB = 1024 * 1024;

async function drain(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

describe('LocalContentStore', () => {
  let dir: string;
  let store: LocalContentStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-storage-'));
    store = await LocalContentStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const objectPath = (cid: string): string => join(dir, cid.slice(-2), cid);

  it('round-trips small content: CIDv1 base32 raw CID, file under <last 2 chars>/<cid>, pinned', async () => {
    const bytes = randomBytes(2048);
    const cid = await store.put(bytes);
    expect(cid).toMatch(/^bafkrei[a-z2-7]{52}$/);
    expect(cid).toBe((await unixfsCidOfBytes(bytes)).toString());
    expect(await readFile(objectPath(cid))).toEqual(bytes);
    expect(await store.has(cid)).toBe(true);
    expect(await store.getBytes(cid)).toEqual(bytes);
    expect(await drain(store.get(cid))).toEqual(bytes);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('round-trips multi-chunk content streamed in odd-sized chunks (dag-pb root)', async () => {
    const bytes = randomBytes(3 * MiB + 12345);
    const cid = await store.put(chunked(bytes, 100_003));
    expect(cid).toMatch(/^bafybei/);
    expect(cid).toBe((await unixfsCidOfBytes(bytes)).toString());
    expect((await store.getBytes(cid)).equals(bytes)).toBe(true);
    const streamed = await drain(store.get(cid));
    expect(streamed.equals(bytes)).toBe(true);
  });

  it('durable mode (fsync) round-trips small and streamed content', async () => {
    const durable = await LocalContentStore.open(join(dir, 'durable'), { durable: true });
    const small = randomBytes(2048);
    const big = randomBytes(MiB + 3);
    const smallCid = await durable.put(small);
    const bigCid = await durable.put(chunked(big, 65536));
    expect((await durable.getBytes(smallCid)).equals(small)).toBe(true);
    expect((await durable.getBytes(bigCid)).equals(big)).toBe(true);
    expect(await readdir(join(dir, 'durable', 'tmp'))).toEqual([]);
    await durable.close();
  });

  it('stores the empty content', async () => {
    const cid = await store.put(new Uint8Array(0));
    expect(cid).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    expect((await store.getBytes(cid)).byteLength).toBe(0);
    expect((await drain(store.get(cid))).byteLength).toBe(0);
  });

  it('streams a 50 MB generator to disk with bounded memory', async () => {
    const total = 50 * MiB;
    const chunk = Buffer.alloc(64 * 1024);
    // Retained memory, not garbage awaiting a collection: sampled right after a forced GC.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const retained = (): number => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const baseline = retained();
    const rssBefore = process.memoryUsage().rss;
    let peakRetained = 0;
    let peakRss = 0;
    async function* source(): AsyncIterable<Uint8Array> {
      // One reused buffer: the store must not keep references to chunks it was given.
      for (let sent = 0; sent < total; sent += chunk.byteLength) {
        randomFillSync(chunk);
        if (sent % (4 * MiB) === 0) peakRetained = Math.max(peakRetained, retained() - baseline);
        peakRss = Math.max(peakRss, process.memoryUsage().rss - rssBefore);
        yield chunk;
      }
    }
    const cid = await store.put(source());
    console.log(`[local-content-store] 50 MB streamed put: peak retained +${(peakRetained / MiB).toFixed(1)} MiB, peak RSS +${(peakRss / MiB).toFixed(1)} MiB`);
    expect(peakRetained).toBeLessThan(20 * MiB);
    expect(peakRss).toBeLessThan(50 * MiB);
    expect((await stat(objectPath(cid))).size).toBe(total);
    // get() re-hashes the whole stream and throws on mismatch: the CID does describe the file.
    let streamed = 0;
    for await (const part of store.get(cid)) streamed += part.byteLength;
    expect(streamed).toBe(total);
  });

  it('getBytes detects a file altered on disk (ContentIntegrityError), and so does get at the end', async () => {
    const bytes = randomBytes(4096);
    const cid = await store.put(bytes);
    const altered = Buffer.from(bytes);
    altered[100] = altered[100]! ^ 0xff;
    await writeFile(objectPath(cid), altered);
    await expect(store.getBytes(cid)).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(store.getBytes(cid)).rejects.toMatchObject({ code: 'STORAGE_INTEGRITY' });
    await expect(drain(store.get(cid))).rejects.toBeInstanceOf(ContentIntegrityError);

    const big = randomBytes(2 * MiB + 7);
    const bigCid = await store.put(big);
    await writeFile(objectPath(bigCid), Buffer.concat([big, Buffer.from([1])]));
    await expect(drain(store.get(bigCid))).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(store.getBytes(bigCid)).rejects.toBeInstanceOf(ContentIntegrityError);
  });

  it('answers ContentNotFoundError for a valid CID it does not hold', async () => {
    const cid = (await unixfsCidOfBytes(Buffer.from('never stored'))).toString();
    expect(await store.has(cid)).toBe(false);
    await expect(store.getBytes(cid)).rejects.toBeInstanceOf(ContentNotFoundError);
    await expect(store.getBytes(cid)).rejects.toMatchObject({ code: 'STORAGE_NOT_FOUND' });
    await expect(drain(store.get(cid))).rejects.toBeInstanceOf(ContentNotFoundError);
    await expect(store.pin(cid)).rejects.toBeInstanceOf(ContentNotFoundError);
  });

  it('unpin deletes the content; idempotent', async () => {
    const cid = await store.put(randomBytes(1000));
    await store.unpin(cid);
    expect(await store.has(cid)).toBe(false);
    await expect(stat(objectPath(cid))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.getBytes(cid)).rejects.toBeInstanceOf(ContentNotFoundError);
    await expect(store.unpin(cid)).resolves.toBeUndefined();
  });

  it('pin of held content succeeds; of absent content, ContentNotFoundError', async () => {
    const cid = await store.put(randomBytes(10));
    await expect(store.pin(cid)).resolves.toBeUndefined();
    await store.unpin(cid);
    await expect(store.pin(cid)).rejects.toBeInstanceOf(ContentNotFoundError);
  });

  it('takes concurrent puts of the same bytes (small and streamed) and keeps one intact object', async () => {
    const small = randomBytes(2048);
    const smallCids = await Promise.all(Array.from({ length: 20 }, () => store.put(small)));
    expect(new Set(smallCids).size).toBe(1);
    const big = randomBytes(2 * MiB + 1);
    const bigCids = await Promise.all(Array.from({ length: 5 }, () => store.put(chunked(big, 65536))));
    expect(new Set(bigCids).size).toBe(1);
    expect(await store.getBytes(smallCids[0]!)).toEqual(small);
    expect((await store.getBytes(bigCids[0]!)).equals(big)).toBe(true);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(await readdir(join(dir, bigCids[0]!.slice(-2)))).toContain(bigCids[0]);
  });

  it('refuses strings that are not CIDs of UnixFS content (InvalidCidError), never touching the disk', async () => {
    const dagCbor = CID.createV1(0x71, (await unixfsCidOfBytes(Buffer.from('x'))).multihash).toString();
    for (const bad of ['', 'not-a-cid', '../../etc/passwd', 'bafkrei../../x', 'z'.repeat(500), dagCbor]) {
      await expect(store.has(bad)).rejects.toBeInstanceOf(InvalidCidError);
      await expect(store.getBytes(bad)).rejects.toMatchObject({ code: 'STORAGE_INVALID_CID' });
      await expect(drain(store.get(bad))).rejects.toBeInstanceOf(InvalidCidError);
      await expect(store.unpin(bad)).rejects.toBeInstanceOf(InvalidCidError);
    }
  });

  it('accepts the CIDv0 form of a held dag-pb object and answers in CIDv1', async () => {
    const bytes = randomBytes(MiB + 1);
    const cid = await store.put(bytes);
    const v0 = CID.parse(cid).toV0().toString();
    expect(v0).toMatch(/^Qm/);
    expect(await store.has(v0)).toBe(true);
    expect((await store.getBytes(v0)).equals(bytes)).toBe(true);
  });

  it('refuses getBytes above maxBytes before reading (ContentTooLargeError)', async () => {
    const cid = await store.put(randomBytes(5000));
    await expect(store.getBytes(cid, { maxBytes: 4999 })).rejects.toBeInstanceOf(ContentTooLargeError);
    expect((await store.getBytes(cid, { maxBytes: 5000 })).byteLength).toBe(5000);
  });

  it('an aborted streaming put leaves no temp file and no object', async () => {
    const controller = new AbortController();
    async function* source(): AsyncIterable<Uint8Array> {
      yield randomBytes(MiB);
      controller.abort(new Error('caller gave up'));
      yield randomBytes(MiB);
    }
    await expect(store.put(source(), { signal: controller.signal })).rejects.toThrow('caller gave up');
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    const shards = (await readdir(dir)).filter((name) => name !== 'tmp');
    expect(shards).toEqual([]);
  });

  it('a failing source leaves no temp file', async () => {
    async function* source(): AsyncIterable<Uint8Array> {
      yield randomBytes(3 * MiB);
      throw new Error('upstream broke');
    }
    await expect(store.put(source())).rejects.toThrow('upstream broke');
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('removes stale temp files (a crashed put) at open, keeps fresh ones (another process writing)', async () => {
    const stale = join(dir, 'tmp', 'crashed');
    const fresh = join(dir, 'tmp', 'in-progress');
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, old, old);
    const reopened = await LocalContentStore.open(dir);
    expect(await readdir(join(dir, 'tmp'))).toEqual(['in-progress']);
    await reopened.close();
  });

  it('refuses calls after close with StorageUnavailableError (transient: retry elsewhere/later)', async () => {
    const cid = await store.put(randomBytes(10));
    await store.close();
    await expect(store.put(randomBytes(10))).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.getBytes(cid)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});

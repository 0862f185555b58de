import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalContentStore } from './local.content-store.js';
import { installPromiseWithResolvers } from './promise-with-resolvers.polyfill.js';
import { UNIXFS_CHUNK_SIZE, UnixfsCidCalculator, unixfsCidOfBytes } from './unixfs.cid-calculator.js';

type Unixfs = ReturnType<(typeof import('@helia/unixfs'))['unixfs']>;

async function* split(bytes: Uint8Array, sizes: readonly number[]): AsyncIterable<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function calculate(bytes: Uint8Array, sizes: readonly number[]): Promise<string> {
  const calculator = new UnixfsCidCalculator();
  for await (const chunk of split(bytes, sizes)) await calculator.update(chunk);
  return (await calculator.finish()).toString();
}

// The reference: the CIDs real Helia gives, @helia/unixfs with default options, in memory.
describe('UnixFS CIDs computed without a node equal Helia addBytes/addByteStream', () => {
  let heliaFs: Unixfs;
  let stop: () => Promise<void>;
  let dir: string;
  let store: LocalContentStore;

  beforeAll(async () => {
    installPromiseWithResolvers();
    const { createHeliaLight } = await import('helia');
    const { unixfs } = await import('@helia/unixfs');
    const helia = createHeliaLight();
    await helia.start();
    heliaFs = unixfs(helia);
    stop = async () => void (await helia.stop());
    dir = await mkdtemp(join(tmpdir(), 'hie-storage-cid-'));
    store = await LocalContentStore.open(dir);
  });
  afterAll(async () => {
    await stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sizes: Array<[string, number]> = [
    ['0 B', 0],
    ['1 KB', 1024],
    ['exactly one chunk', UNIXFS_CHUNK_SIZE],
    ['one chunk + 1 byte', UNIXFS_CHUNK_SIZE + 1],
    ['5 MB (multi-chunk)', 5 * 1000 * 1000],
  ];

  it.each(sizes)('%s', async (_label, size) => {
    const bytes = randomBytes(size);
    const viaAddBytes = (await heliaFs.addBytes(bytes)).toString();
    const viaAddByteStream = (await heliaFs.addByteStream(split(bytes, [256 * 1024]))).toString();
    expect(viaAddByteStream).toBe(viaAddBytes);
    expect((await unixfsCidOfBytes(bytes)).toString()).toBe(viaAddBytes);
    expect(await calculate(bytes, [65_536, 7, 300_001])).toBe(viaAddBytes);
    expect(await store.put(bytes)).toBe(viaAddBytes);
    expect(await store.put(split(bytes, [100_003]))).toBe(viaAddBytes);
  });

  it('for random lengths around chunk boundaries and random chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: UNIXFS_CHUNK_SIZE - 2, max: 2 * UNIXFS_CHUNK_SIZE + 2 })),
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 4 }),
        async (length, chunking) => {
          const bytes = randomBytes(length);
          expect(await calculate(bytes, chunking)).toBe((await heliaFs.addBytes(bytes)).toString());
        },
      ),
      { numRuns: 25 },
    );
  });
});

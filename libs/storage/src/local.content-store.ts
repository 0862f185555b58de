import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CID } from 'multiformats/cid';
import { parseContentCid } from './cid.parser.js';
import { DEFAULT_MAX_BYTES, type ContentStore, type ContentStoreCallOptions, type GetBytesOptions } from './content-store.js';
import { errnoCode, toStorageError } from './fs.errors.js';
import { ContentIntegrityError, ContentNotFoundError, ContentTooLargeError, StorageUnavailableError } from './storage.errors.js';
import { rawCid, UNIXFS_CHUNK_SIZE, UnixfsCidCalculator, unixfsCidOfBytes } from './unixfs.cid-calculator.js';

/** Options of {@link LocalContentStore.open}. */
export interface LocalContentStoreOptions {
  /**
   * fsync each object (data before the rename, its directory after) before `put` resolves, so a
   * CID the caller records survives a power cut, not only a process crash. Default false: the
   * same guarantee as the embedded SQLite (`synchronous=NORMAL`) and Helia's blockstore-fs (no
   * fsync), at several times the small-put rate (see libs/storage/bench). Without it, after a
   * power cut (not a process crash) a recent object can be missing or empty under its name;
   * reads detect that (ContentIntegrityError), they never serve wrong bytes.
   */
  durable?: boolean;
  /** Temp files untouched this long are leftovers of a crash, removed at open. Default 1 hour. */
  staleTempMillis?: number;
}

// Reads of up to this many bytes per chunk when streaming content back.
const READ_CHUNK = 256 * 1024;
const DEFAULT_STALE_TEMP_MILLIS = 60 * 60 * 1000;

/**
 * The embedded content store: files named by the IPFS CID Helia would give the same bytes,
 * at `<dir>/<last 2 chars of cid>/<cid>`. Every object held is pinned (nothing here collects
 * garbage), so a pin is the object's presence and `unpin` deletes it: no marker files, which
 * halves the file operations of the many small puts the protect stage makes. Objects are
 * written to `<dir>/tmp/` while their CID is computed, then renamed into place: a crash never
 * leaves a partial object under a CID name. Several processes may share a directory.
 */
export class LocalContentStore implements ContentStore {
  readonly kind = 'local' as const;
  private readonly knownShards = new Set<string>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly durable: boolean,
  ) {}

  /** Opens (creating if needed) a store in `dir` and removes stale temp files. */
  static async open(dir: string, options: LocalContentStoreOptions = {}): Promise<LocalContentStore> {
    const root = resolve(dir);
    try {
      await mkdir(join(root, 'tmp'), { recursive: true });
      await sweepTemp(join(root, 'tmp'), options.staleTempMillis ?? DEFAULT_STALE_TEMP_MILLIS);
    } catch (error) {
      throw toStorageError(error);
    }
    return new LocalContentStore(root, options.durable ?? false);
  }

  async put(content: Uint8Array | AsyncIterable<Uint8Array>, options: ContentStoreCallOptions = {}): Promise<string> {
    this.assertOpen();
    options.signal?.throwIfAborted();
    if (content instanceof Uint8Array && content.byteLength <= UNIXFS_CHUNK_SIZE) return this.putSmall(content);
    return this.putStream(content instanceof Uint8Array ? single(content) : content, options.signal);
  }

  /**
   * Streams the file back, re-hashing as it goes: the final iteration throws
   * ContentIntegrityError if the file no longer matches its CID (a consumer must read to the
   * end before trusting the bytes; the check costs one sha2-256 pass, no extra reads).
   */
  async *get(cid: string, options: ContentStoreCallOptions = {}): AsyncIterable<Uint8Array> {
    const parsed = parseContentCid(cid);
    const key = parsed.toString();
    const handle = await this.openObject(key);
    const calculator = new UnixfsCidCalculator();
    try {
      const { size } = await handle.stat();
      let position = 0;
      while (position < size) {
        options.signal?.throwIfAborted();
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const chunk = buffer.subarray(0, bytesRead);
        await calculator.update(chunk);
        yield chunk;
      }
      if (!(await calculator.finish()).equals(parsed)) throw new ContentIntegrityError(key);
    } catch (error) {
      throw toStorageError(error);
    } finally {
      // Also on early exit by the consumer: nothing may stay waiting on the hashing pipe.
      calculator.abort();
      await handle.close();
    }
  }

  async getBytes(cid: string, options: GetBytesOptions = {}): Promise<Buffer> {
    const parsed = parseContentCid(cid);
    const key = parsed.toString();
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const handle = await this.openObject(key);
    let bytes: Buffer;
    try {
      // Refuse before reading: the size is known without touching the content.
      if ((await handle.stat()).size > maxBytes) throw new ContentTooLargeError(key, maxBytes);
      bytes = await handle.readFile({ signal: options.signal });
    } catch (error) {
      throw toStorageError(error);
    } finally {
      await handle.close();
    }
    if (bytes.byteLength > maxBytes) throw new ContentTooLargeError(key, maxBytes);
    if (!(await unixfsCidOfBytes(bytes)).equals(parsed)) throw new ContentIntegrityError(key);
    return bytes;
  }

  async has(cid: string): Promise<boolean> {
    const key = parseContentCid(cid).toString();
    this.assertOpen();
    try {
      return (await stat(this.objectPath(key))).isFile();
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw toStorageError(error);
    }
  }

  /** Held content is pinned already; ContentNotFoundError when this store does not hold it. */
  async pin(cid: string): Promise<void> {
    const key = parseContentCid(cid).toString();
    if (!(await this.has(key))) throw new ContentNotFoundError(key);
  }

  /** Removes the content (a ciphertext object has one referrer). Idempotent. */
  async unpin(cid: string): Promise<void> {
    const key = parseContentCid(cid).toString();
    this.assertOpen();
    try {
      await rm(this.objectPath(key), { force: true });
    } catch (error) {
      throw toStorageError(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async putSmall(content: Uint8Array): Promise<string> {
    const key = rawCid([content]).toString();
    const temp = this.tempPath();
    try {
      if (this.durable) {
        const handle = await open(temp, 'wx');
        try {
          await writeAll(handle, content);
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } else {
        // One thread-pool job (open, write, close) instead of three.
        await writeFile(temp, content, { flag: 'wx' });
      }
      await this.commit(temp, key);
      return key;
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw toStorageError(error);
    }
  }

  private async putStream(source: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): Promise<string> {
    const temp = this.tempPath();
    let handle: FileHandle | undefined;
    const calculator = new UnixfsCidCalculator();
    let cid: CID;
    try {
      handle = await open(temp, 'wx');
      for await (const chunk of source) {
        signal?.throwIfAborted();
        await writeAll(handle, chunk);
        await calculator.update(chunk);
      }
      cid = await calculator.finish();
      if (this.durable) await handle.datasync();
      await handle.close();
      handle = undefined;
    } catch (error) {
      calculator.abort();
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw toStorageError(error);
    }
    const key = cid.toString();
    try {
      await this.commit(temp, key);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw toStorageError(error);
    }
    return key;
  }

  /** Moves a complete temp file under its CID name (atomic). */
  private async commit(temp: string, key: string): Promise<void> {
    const shard = join(this.dir, key.slice(-2));
    if (!this.knownShards.has(shard)) {
      await mkdir(shard, { recursive: true });
      if (this.durable) await syncDir(this.dir);
      this.knownShards.add(shard);
    }
    // Replacing an existing object is harmless: same CID, same bytes.
    await rename(temp, join(shard, key));
    if (this.durable) await syncDir(shard);
  }

  private async openObject(key: string): Promise<FileHandle> {
    this.assertOpen();
    try {
      return await open(this.objectPath(key), 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new ContentNotFoundError(key);
      throw toStorageError(error);
    }
  }

  private objectPath(key: string): string {
    return join(this.dir, key.slice(-2), key);
  }

  private tempPath(): string {
    return join(this.dir, 'tmp', `${process.pid}-${randomUUID()}`);
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageUnavailableError('store closed');
  }
}

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** fsync a directory, so a rename or mkdir in it is durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temp files nobody has written to for `staleMillis` (a crashed put's leftovers). */
async function sweepTemp(tempDir: string, staleMillis: number): Promise<void> {
  const cutoff = Date.now() - staleMillis;
  for (const name of await readdir(tempDir)) {
    const path = join(tempDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && info.mtimeMs < cutoff) await rm(path, { force: true });
  }
}

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { importBytes, importer, type ImporterOptions, type WritableStorage } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { RAW_CODEC, SHA2_256 } from './cid.parser.js';

/** Leaf size of `@helia/unixfs` 8 `addBytes`/`addByteStream` (its `defaultImporterSettings`). */
export const UNIXFS_CHUNK_SIZE = 1_048_576;
const UNIXFS_MAX_CHILDREN = 1024;

/**
 * The import settings of `@helia/unixfs` 8.0.5 (node_modules/@helia/unixfs/dist/src/commands/add.js,
 * `defaultImporterSettings`: "match Filecoin"). Copied, not guessed: a spec proves the CIDs equal
 * Helia's for empty, small, exactly-one-chunk and multi-chunk content. Concurrency options are left
 * at the importer's defaults; they do not change the DAG.
 */
function heliaImportSettings(): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    layout: balanced({ maxChildrenPerNode: UNIXFS_MAX_CHILDREN }),
    chunker: fixedSize({ chunkSize: UNIXFS_CHUNK_SIZE }),
  };
}

// Computing a CID needs the DAG's blocks hashed, never kept.
const DISCARD: WritableStorage = { put: async (cid: CID) => cid };

/**
 * The CID of content of at most one chunk: with raw leaves and single-leaf reduction, UnixFS
 * stores it as one raw block, so its CID is the raw CIDv1 of its sha2-256. Skipping the importer
 * here is what makes thousands of small puts per second possible.
 */
export function rawCid(parts: Iterable<Uint8Array>): CID {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return CID.createV1(RAW_CODEC, createDigest(SHA2_256, hash.digest()));
}

/** The UnixFS CID of bytes held in memory, as `@helia/unixfs` `addBytes` would give it. */
export async function unixfsCidOfBytes(bytes: Uint8Array): Promise<CID> {
  if (bytes.byteLength <= UNIXFS_CHUNK_SIZE) return rawCid([bytes]);
  return (await importBytes(bytes, DISCARD, heliaImportSettings())).cid;
}

/**
 * Computes the UnixFS CID of a stream chunk by chunk, with bounded memory: content that fits one
 * chunk is buffered (it is small) and hashed directly; beyond that the chunks are piped, with
 * backpressure, into the same importer Helia uses.
 */
export class UnixfsCidCalculator {
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;
  private pipe?: PassThrough;
  private result?: Promise<CID>;

  /** Feeds the next chunk. The chunk is copied, so the caller may reuse its buffer. */
  async update(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    if (this.pipe === undefined) {
      if (this.headBytes + chunk.byteLength <= UNIXFS_CHUNK_SIZE) {
        // Not chunk.slice(): on a Buffer that is a view, not a copy.
        this.head.push(new Uint8Array(chunk));
        this.headBytes += chunk.byteLength;
        return;
      }
      this.pipe = this.startImporter();
      for (const part of this.head.splice(0)) await this.write(this.pipe, part);
    }
    await this.write(this.pipe, Buffer.from(chunk));
  }

  /** The CID of everything fed so far; call once, after the last chunk. */
  async finish(): Promise<CID> {
    if (this.pipe === undefined || this.result === undefined) return rawCid(this.head);
    this.pipe.end();
    return this.result;
  }

  /** Stops a calculation that will not finish (the source failed or was aborted). */
  abort(): void {
    this.pipe?.destroy();
  }

  private startImporter(): PassThrough {
    const pipe = new PassThrough({ highWaterMark: UNIXFS_CHUNK_SIZE });
    this.result = (async () => {
      let cid: CID | undefined;
      // One leaf hashed at a time: the default (10 in parallel) buffers ~10 MiB more for no gain
      // when blocks are discarded. Concurrency does not change the DAG.
      const settings = { ...heliaImportSettings(), blockWriteConcurrency: 1 };
      for await (const entry of importer([{ content: pipe }], DISCARD, settings)) cid = entry.cid;
      if (cid === undefined) throw new Error('importer produced no root');
      return cid;
    })();
    // An importer failure must reach a writer blocked on 'drain'; finish() rethrows it.
    this.result.catch((error: unknown) => pipe.destroy(error instanceof Error ? error : new Error(String(error))));
    return pipe;
  }

  private async write(pipe: PassThrough, chunk: Uint8Array): Promise<void> {
    if (!pipe.write(chunk)) await once(pipe, 'drain');
  }
}

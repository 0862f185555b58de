import { InvalidInputError } from '@hie/common';
import { CID } from 'multiformats/cid';
import { DAG_PB_CODEC, parseContentCid, RAW_CODEC } from './cid.parser.js';
import { DEFAULT_MAX_BYTES, type ContentStore, type ContentStoreCallOptions, type GetBytesOptions } from './content-store.js';
import { toStorageError } from './fs.errors.js';
import { startIpfsNode, type IpfsNode, type Multiaddr } from './ipfs.node-factory.js';
import { StallTimer } from './stall.timer.js';
import { ContentIntegrityError, ContentNotFoundError, ContentTooLargeError, StorageUnavailableError } from './storage.errors.js';
import { UnixfsCidCalculator } from './unixfs.cid-calculator.js';

/** Where the driver reports what an operator should see (peer unreachable); never content. */
export interface StorageLogger {
  warn(message: string): void;
}

/** Configuration of {@link IpfsContentStore.create}. */
export interface IpfsStoreOptions {
  /** Blocks, pins and the node's key live here; the same dir gives the same content and peer id. */
  repoDir: string;
  /** libp2p listen multiaddrs. Default `['/ip4/127.0.0.1/tcp/0']` (loopback, any free port). */
  listen?: readonly string[];
  /** Peers dialled at start and again on a fetch miss: multiaddrs including `/p2p/<peer id>`. */
  peers?: readonly string[];
  /** A fetch that receives nothing for this long fails (ContentNotFoundError). Default 30 000. */
  fetchTimeoutMillis?: number;
  /** Default: warnings to stderr. */
  logger?: StorageLogger;
}

/** Default listen address: loopback only; exposing the node is an explicit configuration. */
export const DEFAULT_IPFS_LISTEN: readonly string[] = ['/ip4/127.0.0.1/tcp/0'];
/** Default fetch timeout (no progress for this long). */
export const DEFAULT_FETCH_TIMEOUT_MILLIS = 30_000;
// A dial to one peer gives up after this (or the fetch timeout if shorter); the peer is retried on the next miss.
const DIAL_TIMEOUT_MILLIS = 10_000;

const STDERR_LOGGER: StorageLogger = { warn: (message) => process.emitWarning(message, 'IpfsContentStore') };

interface PbNodeShape {
  Links: ReadonlyArray<{ Hash: CID }>;
}

/**
 * The IPFS driver: a Helia node (libp2p over TCP, bitswap) whose repo is on disk. Content is
 * added with `@helia/unixfs` defaults (so CIDs match the local driver's) and pinned; fetches
 * ask the configured peers over bitswap. No DHT, no public network: peers are explicit.
 */
export class IpfsContentStore implements ContentStore {
  readonly kind = 'ipfs' as const;
  private closed = false;

  private constructor(
    private readonly node: IpfsNode,
    private readonly peers: readonly Multiaddr[],
    private readonly fetchTimeoutMillis: number,
    private readonly logger: StorageLogger,
  ) {}

  /**
   * Starts the node and dials the configured peers; an unreachable peer is a warning, not a
   * failure (it may come up later: it is dialled again on a fetch miss).
   * @throws InvalidInputError (STORAGE_INVALID_MULTIADDR) for a malformed listen or peer address.
   */
  static async create(options: IpfsStoreOptions): Promise<IpfsContentStore> {
    const fetchTimeoutMillis = options.fetchTimeoutMillis ?? DEFAULT_FETCH_TIMEOUT_MILLIS;
    const node = await startIpfsNode(options.repoDir, options.listen ?? DEFAULT_IPFS_LISTEN);
    let peers: Multiaddr[];
    try {
      peers = (options.peers ?? []).map((text) => {
        try {
          return node.parseMultiaddr(text);
        } catch {
          throw new InvalidInputError('STORAGE_INVALID_MULTIADDR', 'invalid IPFS peer multiaddr', { peer: text });
        }
      });
    } catch (error) {
      await node.stop();
      throw error;
    }
    const store = new IpfsContentStore(node, peers, fetchTimeoutMillis, options.logger ?? STDERR_LOGGER);
    await store.dialPeers();
    return store;
  }

  /** This node's listen addresses with `/p2p/<peer id>`, to configure as another node's peer. */
  multiaddrs(): string[] {
    const id = this.peerId();
    return this.node.helia.libp2p.getMultiaddrs().map((address) => {
      const text = address.toString();
      return text.includes('/p2p/') ? text : `${text}/p2p/${id}`;
    });
  }

  /** This node's peer id (stable across restarts on the same repoDir). */
  peerId(): string {
    return this.node.helia.libp2p.peerId.toString();
  }

  /** Remote addresses of the open libp2p connections (for operators and tests). */
  connectionAddresses(): string[] {
    return this.node.helia.libp2p.getConnections().map((connection) => connection.remoteAddr.toString());
  }

  async put(content: Uint8Array | AsyncIterable<Uint8Array>, options: ContentStoreCallOptions = {}): Promise<string> {
    this.assertOpen();
    const signal = options.signal;
    let cid: CID;
    try {
      cid =
        content instanceof Uint8Array
          ? await this.node.unixfs.addBytes(content, { signal })
          : await this.node.unixfs.addByteStream(copied(content), { signal });
      await this.pinCid(cid, signal);
    } catch (error) {
      throw this.translate(error, signal);
    }
    return cid.toV1().toString();
  }

  /**
   * Streams the content, locally or from peers over bitswap. Re-hashes what it streams: the last
   * iteration throws ContentIntegrityError on a mismatch (bitswap verifies fetched blocks, but
   * blocks already in the repo are read as they are on disk).
   */
  async *get(cid: string, options: ContentStoreCallOptions = {}): AsyncIterable<Uint8Array> {
    const parsed = parseContentCid(cid);
    const key = parsed.toString();
    this.assertOpen();
    this.redialIfMissing(parsed);
    const stall = new StallTimer(this.fetchTimeoutMillis);
    const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
    const calculator = new UnixfsCidCalculator();
    let received = 0;
    try {
      for await (const chunk of this.node.unixfs.cat(parsed, { signal })) {
        stall.pause();
        received += chunk.byteLength;
        await calculator.update(chunk);
        yield chunk;
        stall.resume();
      }
      stall.pause();
      if (!(await calculator.finish()).equals(parsed)) throw new ContentIntegrityError(key);
    } catch (error) {
      if (stall.fired && !options.signal?.aborted) {
        if (received === 0) throw new ContentNotFoundError(key, `not found within ${this.fetchTimeoutMillis} ms`);
        throw new StorageUnavailableError(`fetch stalled after ${received} bytes`, error);
      }
      throw this.translate(error, options.signal);
    } finally {
      stall.pause();
      calculator.abort();
    }
  }

  async getBytes(cid: string, options: GetBytesOptions = {}): Promise<Buffer> {
    const key = parseContentCid(cid).toString();
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const chunks: Uint8Array[] = [];
    let total = 0;
    // Breaking out of the loop ends the fetch (the generator's finally runs).
    for await (const chunk of this.get(key, options)) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new ContentTooLargeError(key, maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  }

  /** True only when every block of the content is in the repo (a partial fetch is not "held"). */
  async has(cid: string): Promise<boolean> {
    const parsed = parseContentCid(cid);
    this.assertOpen();
    try {
      return await this.holdsLocally(parsed);
    } catch (error) {
      throw this.translate(error, undefined);
    }
  }

  /** Pins, fetching whatever blocks are missing (ContentNotFoundError if nothing arrives in time). */
  async pin(cid: string): Promise<void> {
    const parsed = parseContentCid(cid);
    this.assertOpen();
    this.redialIfMissing(parsed);
    const stall = new StallTimer(this.fetchTimeoutMillis);
    let blocks = 0;
    try {
      await this.pinCid(parsed, stall.signal, () => {
        blocks++;
        stall.resume();
      });
    } catch (error) {
      if (stall.fired) {
        if (blocks === 0) throw new ContentNotFoundError(parsed.toString(), `not found within ${this.fetchTimeoutMillis} ms`);
        throw new StorageUnavailableError(`pin stalled after ${blocks} blocks`, error);
      }
      throw this.translate(error, undefined);
    } finally {
      stall.pause();
    }
  }

  /** Removes the pin; blocks stay until a GC (none runs here). Idempotent. */
  async unpin(cid: string): Promise<void> {
    const parsed = parseContentCid(cid);
    this.assertOpen();
    try {
      for await (const _block of this.node.helia.pins.rm(parsed)) {
        // Draining the generator is what unpins each block.
      }
    } catch (error) {
      if (isNamed(error, 'NotFoundError')) return;
      throw this.translate(error, undefined);
    }
  }

  /** Stops the node (libp2p connections, listeners) and closes the repo. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.node.stop();
  }

  private async pinCid(cid: CID, signal: AbortSignal | undefined, onBlock?: () => void): Promise<void> {
    try {
      for await (const _block of this.node.helia.pins.add(cid, { signal })) onBlock?.();
    } catch (error) {
      if (!isNamed(error, 'AlreadyPinnedError')) throw error;
    }
  }

  private async holdsLocally(cid: CID): Promise<boolean> {
    const blockstore = this.node.helia.blockstore;
    if (!(await blockstore.has(cid))) return false;
    if (cid.code === RAW_CODEC) return true;
    if (cid.code !== DAG_PB_CODEC) return false;
    const codec = await this.node.helia.getCodec<PbNodeShape>(DAG_PB_CODEC);
    const node = codec.decode(await collect(blockstore.get(cid, { offline: true })));
    for (const link of node.Links) {
      const child = CID.asCID(link.Hash);
      if (child === null || !(await this.holdsLocally(child))) return false;
    }
    return true;
  }

  /**
   * Re-dials, in the background, configured peers that are not connected when the content is not
   * here. Not awaited: the fetch starts at once and bitswap sends its wants to a peer as soon as
   * it connects, so a slow dial does not add to the fetch timeout.
   */
  private redialIfMissing(cid: CID): void {
    if (this.peers.length === 0) return;
    void (async () => {
      if (!(await this.node.helia.blockstore.has(cid))) await this.dialPeers();
    })().catch(() => undefined);
  }

  private async dialPeers(): Promise<void> {
    const libp2p = this.node.helia.libp2p;
    const connected = new Set(libp2p.getConnections().map((connection) => connection.remotePeer.toString()));
    await Promise.all(
      this.peers.map(async (address) => {
        const peerId = address.getComponents().find((component) => component.name === 'p2p')?.value;
        if (peerId !== undefined && connected.has(peerId)) return;
        try {
          await libp2p.dial(address, { signal: AbortSignal.timeout(Math.min(DIAL_TIMEOUT_MILLIS, this.fetchTimeoutMillis)) });
        } catch (error) {
          this.logger.warn(`IPFS peer ${address.toString()} unreachable (${errorName(error)}); retried on the next fetch miss`);
        }
      }),
    );
  }

  private translate(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    if (isNamed(error, 'NotStartedError')) return new StorageUnavailableError('IPFS node not started', error);
    return toStorageError(error);
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageUnavailableError('IPFS node stopped');
  }
}

/**
 * The importer keeps chunks past the next pull (until a 1 MiB leaf is full): copies let a
 * producer reuse its buffer, as the local driver allows.
 */
async function* copied(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  for await (const chunk of source) yield new Uint8Array(chunk);
}

async function collect(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function errorName(error: unknown): string {
  return error instanceof Error ? (errnoName(error) ?? error.name) : 'error';
}

function errnoName(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

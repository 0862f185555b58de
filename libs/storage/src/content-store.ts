/** Options every content store call accepts. */
export interface ContentStoreCallOptions {
  /** Aborts the call; the rejection is the signal's reason, untranslated. */
  signal?: AbortSignal;
}

/** Options of {@link ContentStore.getBytes}. */
export interface GetBytesOptions extends ContentStoreCallOptions {
  /** Refuse content larger than this (ContentTooLargeError). Default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
}

/** `getBytes` refuses more than this by default: whole-buffer reads are for ciphertexts, not DICOM. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Content-addressed storage of ciphertexts, referenced by IPFS CIDs. Both drivers give the
 * same CID for the same bytes (what `@helia/unixfs` `addBytes` gives with default options), so
 * content can move between them without re-referencing.
 */
export interface ContentStore {
  readonly kind: 'local' | 'ipfs';
  /** Stores bytes (or a stream of chunks, never held whole) and returns its CID (CIDv1 string, base32). Pins it. */
  put(content: Uint8Array | AsyncIterable<Uint8Array>, options?: ContentStoreCallOptions): Promise<string>;
  /**
   * Streams the content back. ContentNotFoundError when absent (after the timeout for ipfs).
   * Errors surface on the first iteration, not at the call. The last iteration throws
   * ContentIntegrityError if the bytes did not match the CID: consume to the end before
   * trusting what was streamed.
   */
  get(cid: string, options?: ContentStoreCallOptions): AsyncIterable<Uint8Array>;
  /** Whole content as one Buffer, refusing more than maxBytes (default 64 MiB). Verified against the CID. */
  getBytes(cid: string, options?: GetBytesOptions): Promise<Buffer>;
  /** Whether this store holds the content locally (no network fetch). */
  has(cid: string): Promise<boolean>;
  pin(cid: string): Promise<void>;
  /** Unpins; the local driver deletes the content (nothing else refers to a ciphertext), ipfs runs no GC but unpins. */
  unpin(cid: string): Promise<void>;
  close(): Promise<void>;
}

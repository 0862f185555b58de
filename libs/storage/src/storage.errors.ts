import { HieError } from '@hie/common';

/** The content store holds no content under this CID (for IPFS: none found before the fetch timeout). */
export class ContentNotFoundError extends HieError {
  constructor(cid: string, reason = 'not found') {
    super('STORAGE_NOT_FOUND', `content ${cid} ${reason}`, { cid });
  }
}

/**
 * The store cannot serve the call right now (disk full, I/O error, node not started or
 * closed, a fetch that stalled midway). Transient by contract: the pipeline retries with backoff.
 */
export class StorageUnavailableError extends HieError {
  constructor(reason: string, cause?: unknown) {
    super('STORAGE_UNAVAILABLE', `content store unavailable: ${reason}`, { reason });
    if (cause !== undefined) this.cause = cause;
  }
}

/** A string that is not a CID this store can hold (CIDv0/v1, raw or dag-pb, sha2-256). */
export class InvalidCidError extends HieError {
  constructor(reason: string, length: number) {
    // The input itself is not echoed: a caller passing the wrong variable could leak anything.
    super('STORAGE_INVALID_CID', `invalid CID: ${reason}`, { length });
  }
}

/** The bytes read back do not hash to the CID they are stored under (altered or corrupt on disk). */
export class ContentIntegrityError extends HieError {
  constructor(cid: string) {
    super('STORAGE_INTEGRITY', `content ${cid} does not match its CID`, { cid });
  }
}

/** `getBytes` refused content larger than its `maxBytes` (stream it with `get` instead). */
export class ContentTooLargeError extends HieError {
  constructor(cid: string, maxBytes: number) {
    super('STORAGE_TOO_LARGE', `content ${cid} exceeds ${maxBytes} bytes`, { cid, maxBytes });
  }
}

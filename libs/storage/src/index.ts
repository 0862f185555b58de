/**
 * Content store drivers: where ciphertexts (and later DICOM instances) live, addressed by IPFS
 * CIDs. `local` is the embedded default (files named by CID); `ipfs` runs a Helia node with
 * explicit libp2p peers. Both give the same CID for the same bytes.
 */
export type { ContentStore, ContentStoreCallOptions, GetBytesOptions } from './content-store.js';
export { DEFAULT_MAX_BYTES } from './content-store.js';
export { createContentStore } from './create-content-store.js';
export type { ContentStoreOptions } from './create-content-store.js';
export { LocalContentStore } from './local.content-store.js';
export type { LocalContentStoreOptions } from './local.content-store.js';
export { IpfsContentStore, DEFAULT_IPFS_LISTEN, DEFAULT_FETCH_TIMEOUT_MILLIS } from './ipfs.content-store.js';
export type { IpfsStoreOptions, StorageLogger } from './ipfs.content-store.js';
export {
  ContentNotFoundError,
  StorageUnavailableError,
  InvalidCidError,
  ContentIntegrityError,
  ContentTooLargeError,
} from './storage.errors.js';
export { parseContentCid } from './cid.parser.js';
export { unixfsCidOfBytes } from './unixfs.cid-calculator.js';

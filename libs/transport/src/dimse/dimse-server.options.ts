import type { DimseStoreHandler } from './dimse-store.port.js';

/** Where log lines go; the SCP logs AE titles, counts, sizes and statuses, never data set content. */
export interface DimseLogger {
  log(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Configuration of a {@link DimseServer}. */
export interface DimseServerOptions {
  /** Interface to bind; only this one. Empty means 127.0.0.1. */
  host: string;
  /** TCP port; 0 picks a free one (see `listen()`'s result). */
  port: number;
  /** Our AE title: an association calling any other is rejected (called AE not recognised). */
  aeTitle: string;
  /** Calling AE titles admitted; empty admits any. */
  callingAeTitles: readonly string[];
  /** Transfer syntaxes accepted for storage contexts (the first one the SCU proposes wins). */
  transferSyntaxUids: ReadonlySet<string>;
  /** Storage SOP classes accepted; default {@link STORAGE_SOP_CLASSES}. */
  storageSopClassUids?: ReadonlySet<string>;
  /** Stores one instance; its result becomes the C-STORE response status. */
  onStore: DimseStoreHandler;
  logger?: DimseLogger;
  /** Largest P-DATA PDU we announce (A-ASSOCIATE-AC). Default and maximum 256 KiB (dcmjs-dimse's). */
  maxPduBytes?: number;
  /** Bytes of a data set queued for a slow `onStore` before the socket is paused. Default 4 MiB. */
  bodyHighWaterMark?: number;
  /** Cut a connection that sends no A-ASSOCIATE-RQ within this. Default 60 s. */
  associationTimeoutMillis?: number;
  /** Abort an association silent (no PDU) for this long. Default 60 s. */
  pduTimeoutMillis?: number;
  /** Socket inactivity limit. Default 180 s. */
  socketTimeoutMillis?: number;
  /** Refuse connections beyond this many open at once. Default unlimited. */
  maxConnections?: number;
  /** How long close() waits for C-STOREs in flight before aborting their associations. Default 30 s. */
  closeTimeoutMillis?: number;
}

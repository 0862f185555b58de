/** One C-STORE as handed to the application: the data set streams in while this runs. */
export interface DimseStoreInput {
  /** The bare data set (no preamble, no file meta), in `transferSyntaxUid`, chunk by chunk (PDV values). */
  body: AsyncIterable<Uint8Array>;
  /** The transfer syntax accepted for the presentation context the data set came on. */
  transferSyntaxUid: string;
  /** Affected SOP Class / Instance UID from the C-STORE command. */
  sopClassUid: string;
  sopInstanceUid: string;
  callingAeTitle: string;
}

/**
 * What became of a C-STORE. Shaped like the intake's result (`DicomIntakeResult`), so the
 * engine can return that as is; `code` picks the DIMSE status (see `dimseStoreStatus`).
 */
export type DimseStoreResult = { ok: true } | { ok: false; code: string; reason?: string };

/**
 * Stores one instance. It should read `body` to its end (or stop reading: the SCP then drops
 * the rest of the data set) and resolve once the instance is durable or refused; the C-STORE
 * response is sent when it settles. A rejection is answered as a store failure (0xA700).
 */
export type DimseStoreHandler = (input: DimseStoreInput) => Promise<DimseStoreResult>;

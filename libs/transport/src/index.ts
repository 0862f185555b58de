/**
 * MLLP over TCP: a listener that answers every frame in order, and a pipelining sender.
 * DIMSE: a DICOM Storage SCP (C-ECHO, C-STORE) streaming each data set to a handler, and an SCU
 * (`associate`) sending Part 10 files' data sets byte for byte.
 * Network I/O only; message handling is the caller's (see `MllpServerOptions.onMessage`).
 */
export { MllpServer } from './mllp.server.js';
export type { MllpServerOptions, MllpFrameMeta, MllpLogger } from './mllp-server.options.js';
export { MllpClient, type MllpClientOptions } from './mllp.client.js';
export { MllpError, type MllpErrorCode } from './mllp.error.js';
export { DimseServer } from './dimse/dimse.server.js';
export type { DimseServerOptions, DimseLogger } from './dimse/dimse-server.options.js';
export type { DimseStoreHandler, DimseStoreInput, DimseStoreResult } from './dimse/dimse-store.port.js';
export { DimseStatus, dimseStoreStatus } from './dimse/dimse-status.js';
export { STORAGE_SOP_CLASSES, VERIFICATION_SOP_CLASS } from './dimse/storage-sop-classes.js';
export { DimseTransferAbortedError } from './dimse/storage.scp.js';
export {
  associate,
  echoRequest,
  hasPart10Preamble,
  rawStoreRequest,
  splitPart10,
  type AssociateOptions,
  type DimseRequest,
  type Part10Parts,
  type ScuOutcome,
  type ScuResponse,
} from './dimse/dimse.client.js';
/**
 * Streaming multipart (RFC 2046, multipart/related as STOW-RS sends it): `readMultipartParts`
 * yields parts whose bodies stream with bounded memory; `parseMediaType` and
 * `multipartBoundaryOf` read the Content-Type; errors are `MultipartError` (an InvalidInputError).
 */
export { readMultipartParts, type MultipartPart, type MultipartLimits } from './multipart/multipart.reader.js';
export { parseMediaType, multipartBoundaryOf, type MediaType } from './multipart/multipart-content-type.js';
export { MultipartError, type MultipartErrorCode } from './multipart/multipart.errors.js';

import type { OperationOutcome } from '@hie/fhir';

/**
 * Where a message is in its life: `received` on arrival, `converted` once its FHIR resources
 * are written, `stored` once every version it wrote is encrypted in the content store,
 * `anchored` once all their hashes are in anchored batches (or it wrote nothing of its own);
 * `failed` at any step that refused it.
 */
export type MessageStatus = 'received' | 'converted' | 'stored' | 'anchored' | 'failed';

/**
 * What the raw bytes are: an HL7 v2 message (ER7; an MDM carrying a CDA is still `hl7v2`, it is
 * converted through the CDA path), a CDA R2 / C-CDA XML document, or a DICOM instance (`dicom`:
 * raw is a small JSON descriptor; the instance itself is an encrypted content-store object).
 */
export type MessageFormat = 'hl7v2' | 'cda' | 'dicom';

/** The message formats (for validation). */
export const MESSAGE_FORMATS: readonly MessageFormat[] = ['hl7v2', 'cda', 'dicom'];

/** The message statuses, in lifecycle order (for counts and validation). */
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['received', 'converted', 'stored', 'anchored', 'failed'];

/** A raw message as intake stores it, before any conversion. */
export interface NewMessage {
  /** uuid (v7 from `@hie/common`, so ids sort by arrival). */
  id: string;
  receivedAt: Date;
  /** `dimse`: a DICOM C-STORE; `dicomweb`: a STOW-RS part. */
  channel: 'mllp' | 'http' | 'cli' | 'dimse' | 'dicomweb';
  format: MessageFormat;
  raw: Buffer;
  sizeBytes: number;
  /** MSH-10; for a CDA document its ClinicalDocument/id (extension, else root). */
  controlId?: string;
  /** e.g. `ADT^A01`; for a CDA document `CDA^<LOINC document type>` (e.g. `CDA^34133-9`). */
  messageType?: string;
  /** MSH-4; for a CDA document the custodian organization's name. */
  sendingFacility?: string;
  /** `failed` when intake already refused it (answered AE/AR); it is still kept. */
  status: 'received' | 'failed';
  outcome?: OperationOutcome;
}

/** A message as the store holds it. */
export interface StoredMessage extends Omit<NewMessage, 'status'> {
  status: MessageStatus;
  updatedAt: Date;
  /** Conversion attempts that reached the store (kept across `$reprocess`). */
  attempts: number;
  /** Bundle entries applied by the last successful conversion. */
  resourceCount: number;
  processedAt?: Date;
  /** Set when a patient erasure redacted the raw bytes (`raw` is then empty). */
  erasedAt?: Date;
}

/** A message without its raw bytes, for listings. */
export type MessageSummary = Omit<StoredMessage, 'raw'>;

/** Filter for {@link MessageRepository.list}. */
export interface MessageListFilter {
  status?: MessageStatus;
  /** Default 100, at most 1000. */
  limit?: number;
  /** Id cursor: only messages that arrived before this one (newest first). */
  before?: string;
}

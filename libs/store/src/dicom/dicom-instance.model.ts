import type { NewMessage } from '../message.model.js';
import type { NewProtectedRecord } from '../protect/protection.model.js';

/**
 * One stored DICOM instance as `dicom_instance` keeps it: the newest version of a SOP Instance
 * UID, where its encrypted Part 10 object is, and the header values searches and conversion read.
 */
export interface DicomInstanceRow {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** DICOM PatientID (0010,0020). */
  patientId?: string;
  /** The patient's assigning authority as intake resolved it (see dicomPatientResourceId). */
  issuerOfPatientId?: string;
  /** PatientName (0010,0010), DICOM PN text (`Family^Given`). */
  patientName?: string;
  /** The FHIR Patient id the instance belongs to; absent when it names no patient. */
  patientResourceId?: string;
  /** DA, `YYYYMMDD`. */
  studyDate?: string;
  /** TM, `HHMMSS.FFFFFF`. */
  studyTime?: string;
  accessionNumber?: string;
  studyDescription?: string;
  /** The protected record (type `DicomInstance`) of this version. */
  recordId: string;
  versionId: number;
  /** The message that brought this version. */
  messageId: string;
  /** The content-store object: a streamed envelope (format 2) of the Part 10 file. */
  cid: string;
  /** Size of the stored envelope. */
  sizeBytes: number;
  /** Size of the Part 10 file the envelope opens to. */
  plaintextBytes: number;
  /** SHA-256 of the Part 10 bytes, 64 lowercase hex. */
  contentHash: string;
  dataKeyId: string;
  /** DICOM JSON (PS3.18 F.2) of the data set, without bulk data. */
  metadata: string;
  storedAt: Date;
}

/** A new version of an instance, with what must be written with it in the same transaction. */
export interface DicomInstanceCommit {
  instance: DicomInstanceRow;
  /** Its protected record (type `DicomInstance`, same id/version/CID/hash as the instance). */
  record: NewProtectedRecord;
  /**
   * The message that brought it, status `received`. `replaceFailed`: the message exists as a
   * `failed` DICOM intake refusal being reprocessed; it is turned into this message (raw,
   * summary columns, status; outcome cleared) instead of inserted.
   */
  message: NewMessage;
  replaceFailed?: boolean;
}

/** What {@link DicomInstanceRepository.commit} did. */
export type DicomCommitResult =
  | { kind: 'stored' }
  /** The newest version has the same content hash: nothing written. */
  | { kind: 'duplicate'; messageId: string; versionId: number }
  /** Another writer took the version first: seal again for `latestVersion + 1` and retry. */
  | { kind: 'version-taken'; latestVersion: number }
  /** `replaceFailed` and the message is no longer a failed DICOM message (reprocessed twice at once, erased). */
  | { kind: 'message-gone' };

/** Where the versions of a SOP Instance UID stand before a new one is sealed. */
export interface DicomVersionState {
  /** Highest protected version (0: none); protected records outlive an erasure's index rows. */
  latestVersion: number;
  /** The current index row's version and content hash, if any. */
  current?: { versionId: number; contentHash: string; messageId: string };
}

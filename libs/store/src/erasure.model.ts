/** Input of {@link ErasureRepository.eraseSubject}. */
export interface EraseSubjectInput {
  /** The patient's keyed subject identifier. */
  subjectKey: string;
  /** The Patient resource id. */
  patientId: string;
  at: Date;
}

/** What {@link ErasureRepository.eraseSubject} did. */
export interface EraseSubjectResult {
  /** Resources (current versions) deleted, with their history and index rows. */
  resourcesDeleted: number;
  /** Messages whose raw bytes were redacted by this call. */
  messagesRedacted: number;
  /** CIDs of the subject's protected records, for the caller to unpin. */
  cids: string[];
  /** The patient's `dicom_instance` rows deleted (their objects stay, sealed under the destroyed key). */
  dicomInstancesDeleted?: number;
}

/** One recorded erasure (counts only: no PHI). */
export interface ErasureRow {
  id: string;
  subjectKey: string;
  erasedAt: Date;
  dataKeysDestroyed: number;
  resourcesDeleted: number;
  contentsUnpinned: number;
  messagesRedacted: number;
  /** The ledger transaction that recorded it, once known. */
  ledgerTx?: string;
}

/**
 * The store: message store, FHIR store (current versions, history, search index), and the
 * protect & anchor tables (data keys, protected records, anchor batches, the embedded ledger's
 * entries, erasures), on PostgreSQL or SQLite through TypeORM (entities + per-driver
 * migrations, `synchronize` off). See README.md for the tables.
 */
export { openDatabase } from './open-database.js';
export type { MessageStatus, MessageFormat, NewMessage, StoredMessage, MessageSummary, MessageListFilter } from './message.model.js';
export { MESSAGE_STATUSES, MESSAGE_FORMATS } from './message.model.js';
export { MessageRepository } from './message.repository.js';
export type { ConversionOutcome, CommitResult } from './conversion.model.js';
export { ConversionRepository } from './conversion.repository.js';
export { FhirRepository } from './fhir.repository.js';
export type { FhirSearchCriteria, FhirSearchResult, VersionRef } from './fhir.repository.js';
/** Protected versions, Merkle batches and the `converted` → `stored` → `anchored` statuses. */
export { ProtectionRepository } from './protection.repository.js';
export type {
  VersionToProtect, NewProtectedRecord, ProtectionResult, AnchorBatchRow, ClaimBatchInput, AnchorReceipt,
  ProtectedRecordView, SubjectRecordRef, ProtectionStageCounts,
} from './protect/protection.model.js';
/** Per-subject data keys: one active key per subject, KEK rotation, crypto-shredding. */
export { DataKeyRepository } from './data-key.repository.js';
export type { DataKeyRow, NewDataKey } from './data-key.model.js';
/** The embedded ledger's entries (the ledger lib's entry-store port, by shape). */
export { LedgerEntryRepository } from './ledger-entry.repository.js';
/** Thrown by `LedgerEntryRepository.append` when the seq or (kind, entryKey) is taken; code `LEDGER_SEQ_TAKEN`. */
export { LedgerSeqTakenStoreError, LEDGER_ENTRY_KINDS } from './ledger-entry.model.js';
export type { LedgerEntryRow, LedgerEntryKind } from './ledger-entry.model.js';
/** Patient erasure: resources deleted, raw messages redacted, protected records kept. */
export { ErasureRepository } from './erasure.repository.js';
export type { EraseSubjectInput, EraseSubjectResult, ErasureRow } from './erasure.model.js';
/** DICOM instances: the index of stored instances and the one transaction that stores one. */
export { DicomInstanceRepository } from './dicom/dicom-instance.repository.js';
export type { DicomInstanceRow, DicomInstanceCommit, DicomCommitResult, DicomVersionState } from './dicom/dicom-instance.model.js';
/** QIDO-RS searches (studies, series, instances) and WADO-RS lookups over `dicom_instance`. */
export { DicomQueryRepository, DICOM_QUERY_MAX_LIMIT } from './dicom/dicom-query.repository.js';
export type { DicomQueryCriteria, DicomQueryPage, DicomStudyMatch, DicomSeriesMatch } from './dicom/dicom-query.repository.js';
/** The TypeORM entity classes (documentation of the tables; the repositories use SQL). */
export {
  STORE_ENTITIES, MessageEntity, FhirResourceEntity, FhirResourceHistoryEntity, FhirSearchTokenEntity, FhirSearchReferenceEntity,
  DataKeyEntity, ProtectedRecordEntity, AnchorBatchEntity, LedgerEntryEntity, ErasureEntity, DicomInstanceEntity,
} from './entities/index.js';
export { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';
export type { DataSource } from 'typeorm';

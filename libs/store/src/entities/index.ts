import { AnchorBatchEntity } from './anchor-batch.entity.js';
import { DataKeyEntity } from './data-key.entity.js';
import { DicomInstanceEntity } from './dicom-instance.entity.js';
import { ErasureEntity } from './erasure.entity.js';
import { FhirResourceHistoryEntity } from './fhir-resource-history.entity.js';
import { FhirResourceEntity } from './fhir-resource.entity.js';
import { FhirSearchReferenceEntity } from './fhir-search-reference.entity.js';
import { FhirSearchTokenEntity } from './fhir-search-token.entity.js';
import { LedgerEntryEntity } from './ledger-entry.entity.js';
import { MessageEntity } from './message.entity.js';
import { ProtectedRecordEntity } from './protected-record.entity.js';

export {
  FhirResourceHistoryEntity, FhirResourceEntity, FhirSearchReferenceEntity, FhirSearchTokenEntity, MessageEntity,
  DataKeyEntity, ProtectedRecordEntity, AnchorBatchEntity, LedgerEntryEntity, ErasureEntity, DicomInstanceEntity,
};

/** Passed to TypeORM as classes (globs break under vitest and in the per-app dist copies). */
export const STORE_ENTITIES = [
  MessageEntity,
  FhirResourceEntity,
  FhirResourceHistoryEntity,
  FhirSearchTokenEntity,
  FhirSearchReferenceEntity,
  DataKeyEntity,
  ProtectedRecordEntity,
  AnchorBatchEntity,
  LedgerEntryEntity,
  ErasureEntity,
  DicomInstanceEntity,
];

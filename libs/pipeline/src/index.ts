/**
 * The use cases that join the stages: intake (decide, store, ACK, queue) of HL7 v2 messages and
 * CDA documents, conversion (parse, map, validate; HL7 v2, CDA, and MDM carrying a CDA), the
 * conversion worker, recovery and reprocessing, and protect &
 * anchor (encrypt and store each resource version, Merkle-batch its keyed hash onto the ledger,
 * verify, erase, rotate keys).
 * The only lib that knows every stage; no Nest, so the engine and the CLI share it.
 */
export { GroupCommitter, type GroupCommitterOptions } from './group-committer.js';
export { readMappingFiles, mappingFilesOf, loadMappings, loadCdaMappings } from './mapping-files.loader.js';
export { Hl7Conversion, type Hl7ConversionOptions, type ConversionAttempt } from './hl7-conversion.js';
/** CDA R2 / C-CDA → FHIR document Bundle (+ the transaction the store commits), validated. */
export { CdaConversion, xmlLimitsOf, type CdaConversionOptions, type CdaConversionAttempt } from './cda/cda-conversion.js';
/** `POST /cda`: decide, store (group commit), queue, or convert now with `sync`. */
export { CdaIntakeService, type CdaBody, type CdaIntakeResult } from './cda/cda-intake.service.js';
export { decideCdaIntake, type CdaIntakeDecision } from './cda/cda-intake-decision.js';
export { cdaFailure, cdaFailureFromError, cdaIssue, type CdaFailure } from './cda/cda-failure.mapper.js';
/** Document Bundle → transaction Bundle (`PUT Type/id` of every resource). */
export { documentToTransaction } from './cda/document-transaction.js';
/** MDM^T01..T11 carrying a CDA (OBX ED base64 or TX/FT text). */
export { findEmbeddedCda, isDocumentMessage, mayBeDocumentMessage } from './cda/embedded-cda.extractor.js';
/** Picks the conversion of a stored message by format (and MDM with a CDA). */
export { ConversionDispatcher, type MessageConverter, type ConversionContext } from './conversion.dispatcher.js';
export { decideIntake, type IntakeDecision, type IntakeRules } from './intake-decision.js';
export { IntakeService, type IntakeOptions, type IntakeResult } from './intake.service.js';
export { ConversionWorker, type WorkerJobResult } from './conversion.worker.js';
export { RecoverySweeper, type RecoverySweeperOptions } from './recovery.sweeper.js';
export { ReprocessService, type ReprocessSelection } from './reprocess.service.js';
export { failure, failureFromError, toAckError, toIssue, v2Position, type Hl7Failure } from './hl7-failure.mapper.js';
export {
  silentLogger,
  type IntakeChannel,
  type IntakeRecord,
  type StoredRecord,
  type PipelineMessageStatus,
  type PipelineMessageFormat,
  type MessageStorePort,
  type ConversionOutcomeRecord,
  type ConversionStorePort,
  type JobQueuePort,
  type PipelineLogger,
} from './pipeline.ports.js';
export { openProtectionStack, type ProtectionStack } from './protect/protection.stack.js';
export { ProtectionWorker, recordAad, type ProtectJobResult } from './protect/protection.worker.js';
export { AnchorBatcher, merkleBatch, type AnchorBatcherOptions, type AnchorTickResult } from './protect/anchor.batcher.js';
export { RecordVerifier, type VerifyReport, type VerifyCheck, type VerifyCheckName } from './protect/record.verifier.js';
export { PatientEraser, type ErasureReport } from './protect/patient.eraser.js';
export { DataKeyService, DataKeyDestroyedError, type DataKey } from './protect/data-key.service.js';
export { patientOf, SHARED_SUBJECT } from './protect/record-subject.js';
export { rotateKeys, checkEmbeddedLedger } from './protect/maintenance.js';

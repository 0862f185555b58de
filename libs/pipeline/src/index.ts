/**
 * The use cases that join the stages: intake (decide, store, ACK, queue), conversion
 * (parse, map, validate), the conversion worker, recovery and reprocessing, and protect &
 * anchor (encrypt and store each resource version, Merkle-batch its keyed hash onto the ledger,
 * verify, erase, rotate keys).
 * The only lib that knows every stage; no Nest, so the engine and the CLI share it.
 */
export { GroupCommitter, type GroupCommitterOptions } from './group-committer.js';
export { readMappingFiles, loadMappings } from './mapping-files.loader.js';
export { Hl7Conversion, type Hl7ConversionOptions, type ConversionAttempt } from './hl7-conversion.js';
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

/**
 * The use cases that join the stages: intake (decide, store, ACK, queue), conversion
 * (parse, map, validate), the conversion worker, recovery and reprocessing.
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

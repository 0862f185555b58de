/**
 * The use cases that join the stages: intake (decide, store, ACK, queue) of HL7 v2 messages and
 * CDA documents, conversion (parse, map, validate; HL7 v2, CDA, and MDM carrying a CDA), the
 * conversion worker, recovery and reprocessing, and protect &
 * anchor (encrypt and store each resource version, Merkle-batch its keyed hash onto the ledger,
 * verify, erase, rotate keys).
 * The only lib that knows every stage; no Nest, so the engine and the CLI share it.
 */
export { GroupCommitter, type GroupCommitterOptions } from './group-committer.js';
export { BatchingEnqueuer, type BatchingEnqueuerOptions } from './batching-enqueuer.js';
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
export { ConversionDispatcher, type MessageConverter, type ConversionContext, type BatchMessage } from './conversion.dispatcher.js';
/** DICOM study → ImagingStudy transaction Bundle (+ Endpoint, referrer, Patient when unknown), per study, validated. */
export {
  DicomConversion,
  type DicomConversionOptions,
  type DicomConversionMessage,
  type DicomInstanceSourcePort,
  type DicomFhirLookupPort,
} from './dicom/dicom-conversion.js';
export { loadDicomMappings } from './dicom/dicom-conversion.tables.js';
/**
 * DICOM intake (DIMSE C-STORE and STOW-RS): header streamed through the reader, object streamed
 * encrypted into the content store, one transaction (message + dicom_instance + protected
 * record), queued for conversion; refusals kept as failed messages and reprocessable.
 */
export {
  DicomIntakeService,
  dicomInstanceAad,
  dicomKeyedHash,
  DICOM_INSTANCE_RECORD_TYPE,
  type DicomInstanceSource,
  type DicomIntakeResult,
  type DicomIntakeDeps,
  type DicomIntakeOptions,
  type DicomIntakeStorePort,
} from './dicom/dicom-intake.service.js';
export { dicomPatientResourceId, dicomPatientIdentifier, type DicomPatientIdentifier } from './dicom/dicom-patient.identity.js';
export { dicomOutcome, type DicomIntakeRefusalCode, type DicomFailure } from './dicom/dicom-failure.mapper.js';
export { decodeDescriptor as decodeDicomDescriptor, type DicomMessageDescriptor } from './dicom/dicom-intake.descriptor.js';
export { decideIntake, type IntakeDecision, type IntakeRules } from './intake-decision.js';
export { IntakeService, type IntakeOptions, type IntakeResult } from './intake.service.js';
export { ConversionWorker, type WorkerJobResult } from './conversion.worker.js';
export { RecoverySweeper, type RecoverySweeperOptions } from './recovery.sweeper.js';
export { ReprocessService, type ReprocessSelection, type RefusedIntakeRetrier } from './reprocess.service.js';
export { DicomRefusalRetrier } from './dicom/dicom-intake.retrier.js';
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
/**
 * DICOMweb reads: QIDO-RS (`parseQidoRequest` → `DicomQueryService.search`, DICOM JSON answers)
 * and WADO-RS (`DicomRetrieveService`: find by UIDs, stream the decrypted Part 10 bytes, metadata,
 * de-identified copy).
 */
export { parseQidoRequest, checkUid, QIDO_DEFAULT_LIMIT, type QidoRequest, type QidoLevel, type QidoScope, type QueryValues } from './dicom/dicom-query.params.js';
export { DicomQueryService, type QidoAnswer } from './dicom/dicom-query.service.js';
export { retrieveUrl, metadataOf, type DicomJsonObject, type DicomJsonValue } from './dicom/dicom-query.response.js';
export { DicomRetrieveService, DEFAULT_MAX_DEIDENTIFY_BYTES, type DicomRetrievePorts, type DicomRetrieveOptions, type WadoTarget } from './dicom/dicom-retrieve.service.js';
/** `$verify` of a stored DICOM instance (content-hash, ciphertext, merkle-proof, anchor). */
export { DicomInstanceVerifier, type DicomVerifierSources, type DicomVerifyTarget } from './dicom/dicom-instance.verifier.js';

/**
 * DICOM Part 10 and DIMSE/DICOMweb helpers: reading an instance's header (metadata) without
 * decoding pixel data, transfer syntaxes, DICOM JSON, de-identification. Pure: no I/O, no Nest.
 */
// Reading (streamed Part 10 / DIMSE data sets), transfer syntaxes, DICOM JSON, file meta.
export { TRANSFER_SYNTAXES, transferSyntaxOf, type TransferSyntax } from './transfer-syntax.registry.js';
export { DicomRefusedError, type DicomRefusalCode } from './dicom-refused.error.js';
export { BULK_DATA_THRESHOLD, dicomJsonKey, type DicomJson, type DicomJsonElement, type DicomJsonPersonName } from './dicom-json.model.js';
export type { DicomInstanceHeader } from './dicom-instance-header.model.js';
export {
  DicomStreamScanner,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_DEFLATED_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  type DicomScanLimits,
  type DicomScanMode,
} from './dicom-stream.scanner.js';
export { readDicomHeader, type ReadDicomHeaderOptions } from './dicom-header.reader.js';
export { buildFileMetaHeader, type FileMetaHeaderInput } from './file-meta.builder.js';
export { HIE_IMPLEMENTATION_CLASS_UID, HIE_IMPLEMENTATION_VERSION_NAME, isValidUid } from './dicom-uid.js';
export { dictionaryVrOf, keywordOf } from './dicom-dictionary.js';

// De-identification (PS3.15 Annex E Basic Profile, Retain UIDs off).
/**
 * `parseDeidentifyProfile(yamlText)`: the profile table (mappings/dicom/deidentify-basic-profile.yaml,
 * loaded by the caller). `deidentifyPart10(bytes, { uidSecret, profile })`: a de-identified Part 10
 * file in the same transfer syntax (pixel data byte-identical); `deidentifyPart10WithSummary` also
 * counts what changed. `deidentifiedUid(secret, uid)`: the keyed 2.25 replacement of one UID.
 */
export {
  parseDeidentifyProfile,
  deidentifyRuleFor,
  type DeidentifyProfile,
  type DeidentifyRule,
  type DeidentifyOperation,
  type DeidentifyActionCode,
} from './deidentify-profile.parser.js';
export { deidentifyPart10, deidentifyPart10WithSummary, type DeidentifyOptions, type DeidentifySummary } from './deidentify.rewriter.js';
export { deidentifiedUid } from './deidentify-uid.js';

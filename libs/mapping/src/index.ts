/**
 * HL7 v2 → FHIR R4 conversion driven by the mapping files in `mappings/` (see docs/mappings.md).
 * Pure: the caller reads the files and passes their text.
 */
export type { MappingFile, ConvertOptions, ConversionResult, MappingSet, MappedSource } from './mapping-set.model.js';
export { MappingError, ConversionError, type ConversionErrorCode } from './mapping.errors.js';
export { loadMappingSet } from './engine/mapping-set.loader.js';
export { builtinTransforms, dtmToDate, dtmToDateTime, dtmToInstant, tmToTime } from './transforms/index.js';
export type { TransformContext, ValueTransform, MultiTransform, TransformRegistry } from './transforms/index.js';
/**
 * CDA R2 / C-CDA → FHIR R4 document Bundle. Pure: the caller parses the XML (`@hie/cda`
 * parseXml) and passes the `mappings/cda/**` table files.
 */
export { convertCdaDocument, type CdaConversionResult, type CdaConvertOptions } from './cda/cda-document.converter.js';
export { loadCdaTables, type CdaTables, type CdaTableFile, type SectionKind } from './cda/cda-tables.js';
export type { CdaSource } from './cda/document-reference.builder.js';
export { CdaConversionError, type CdaConversionErrorCode } from './cda/cda.errors.js';
/**
 * DICOM study → FHIR R4 ImagingStudy (+ Endpoint, referrer, Patient when unknown). Pure: the
 * caller reads the instances' index rows and DICOM JSON and passes the `mappings/dicom/` tables.
 */
export {
  buildImagingStudy,
  imagingStudyId,
  type ImagingStudyInput,
  type ImagingStudyOptions,
  type ImagingStudyResult,
} from './dicom/imaging-study.builder.js';
export type { DicomStudyInstance } from './dicom/imaging-series.builder.js';
export type { DicomJsonDataset, DicomJsonValue } from './dicom/dicom-json.reader.js';
export { studyLocalPatientId } from './dicom/dicom-patient.builder.js';
export { dicomwebEndpointId } from './dicom/dicom-endpoint.builder.js';
export { loadDicomTables, type DicomTables, type DicomTableFile, type DicomTableCode } from './dicom/dicom-tables.js';

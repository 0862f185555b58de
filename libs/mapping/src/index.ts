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

/** Injection tokens for values that are not classes (config, connections, compiled maps). */
export const HIE_CONFIG = Symbol('HIE_CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const WORK_QUEUE = Symbol('WORK_QUEUE');
export const FHIR_VALIDATOR = Symbol('FHIR_VALIDATOR');
export const MAPPING_SET = Symbol('MAPPING_SET');
/** The protect stage's queue (null when protect & anchor is off). */
export const PROTECT_QUEUE = Symbol('PROTECT_QUEUE');
/** Keyring, content store, ledger and the protect/anchor/verify/erase services (null when off). */
export const PROTECTION_STACK = Symbol('PROTECTION_STACK');
/** Re-queues messages left `converted` (lost protect job, crash, retries exhausted while storage was down). */
export const PROTECT_SWEEPER = Symbol('PROTECT_SWEEPER');
/** DICOM intake (DicomIntakeService): what the DIMSE listener and STOW-RS hand instances to (intake roles only). */
export const DICOM_INTAKE = Symbol('DICOM_INTAKE');

/** Injection tokens for values that are not classes (config, connections, compiled maps). */
export const HIE_CONFIG = Symbol('HIE_CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const WORK_QUEUE = Symbol('WORK_QUEUE');
export const FHIR_VALIDATOR = Symbol('FHIR_VALIDATOR');
export const MAPPING_SET = Symbol('MAPPING_SET');

import { R4_STRUCTURE } from './r4-structure.model.js';

/** The concrete (non-abstract) FHIR R4 4.0.1 resource types, e.g. `Patient`, `Bundle`. */
export const R4_RESOURCE_TYPES: ReadonlySet<string> = new Set(
  Object.entries(R4_STRUCTURE.types)
    .filter(([, spec]) => spec.k === 'r' && spec.a === undefined)
    .map(([name]) => name),
);

import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapStatusEntry } from './functional-status.observation.js';
import { sectionEntries, uniqueReferences } from './results.entries.js';

/**
 * Functional Status section: Functional Status Organizers → panel Observations with their
 * members, Functional Status Observations (and R1.1 functional / cognitive status problem and
 * result observations, Self-Care Activities...) → Observations, category survey + US Core
 * functional-status (cognitive-status for the cognitive templates). Returns one reference per entry.
 */
export const mapFunctionalStatusSection: SectionMapper = (section, ctx) => {
  const refs: (Reference | undefined)[] = [];
  for (const entry of sectionEntries(section, 'functional-status')) refs.push(mapStatusEntry(entry, ctx, 'functional-status'));
  return uniqueReferences(refs);
};

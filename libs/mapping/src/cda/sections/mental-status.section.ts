import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapStatusEntry } from './functional-status.observation.js';
import { sectionEntries, uniqueReferences } from './results.entries.js';

/**
 * Mental Status section: Mental Status Organizers → panel Observations with their members,
 * Mental Status Observations (and assessment scales) → Observations, category survey + US Core
 * cognitive-status. Returns one reference per entry.
 */
export const mapMentalStatusSection: SectionMapper = (section, ctx) => {
  const refs: (Reference | undefined)[] = [];
  for (const entry of sectionEntries(section, 'mental-status')) refs.push(mapStatusEntry(entry, ctx, 'cognitive-status'));
  return uniqueReferences(refs);
};

import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapGoal } from './goals.goal.js';
import { sectionEntries, uniqueReferences } from './results.entries.js';

/**
 * Goals section: each Goal Observation (any observation; the section holds nothing else) →
 * Goal. Other entries are left to the narrative, with a warning. Returns the references in entry order.
 */
export const mapGoalsSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'goals')) {
    if (entry.act.name !== 'observation') {
      ctx.warn('unsupported-entry', entry.path);
      continue;
    }
    refs.push(mapGoal(entry.act, ctx, entry.fallback));
  }
  return uniqueReferences(refs);
};

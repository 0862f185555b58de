import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { sectionEntries, uniqueReferences } from './results.entries.js';
import { mapObservation } from './results.observation.js';

/**
 * Social History section: every observation in it — Smoking Status (72166-2), Tobacco Use,
 * Social History Observation, Pregnancy (its ASSERTION code led by LOINC 82810-3), Birth Sex
 * (76689-9), caregiver, cultural and home environment characteristics... — → Observation with
 * category social-history, its code and value (a nullFlavored value → dataAbsentReason).
 *
 * Birth sex stays an Observation rather than becoming the US Core birthsex extension on Patient:
 * the header mapper owns Patient, and the Observation keeps who recorded it and when.
 */
export const mapSocialHistorySection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'social-history')) {
    if (entry.act.name === 'observation') {
      refs.push(mapObservation(entry.act, ctx, { category: 'social-history', fallback: entry.fallback }));
    } else ctx.warn('unsupported-entry', entry.path);
  }
  return uniqueReferences(refs);
};

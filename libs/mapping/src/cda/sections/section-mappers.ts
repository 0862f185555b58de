import type { SectionKind } from '../cda-tables.js';
import type { SectionMapper } from './section-mapper.js';
import { mapProblemsSection } from './problems.section.js';
import { mapAllergiesSection } from './allergies.section.js';
import { mapMedicationsSection } from './medications.section.js';
import { mapAssessmentSection } from './assessment.section.js';
import { mapNotesSection } from './notes.section.js';
import { mapResultsSection } from './results.section.js';
import { mapVitalSignsSection } from './vital-signs.section.js';
import { mapImmunizationsSection } from './immunizations.section.js';
import { mapProceduresSection } from './procedures.section.js';
import { mapEncountersSection } from './encounters.section.js';
import { mapSocialHistorySection } from './social-history.section.js';
import { mapPlanOfTreatmentSection } from './plan-of-treatment.section.js';
import { mapGoalsSection } from './goals.section.js';
import { mapHealthConcernsSection } from './health-concerns.section.js';
import { mapFunctionalStatusSection } from './functional-status.section.js';
import { mapMentalStatusSection } from './mental-status.section.js';
import { mapFamilyHistorySection } from './family-history.section.js';
import { mapMedicalEquipmentSection } from './medical-equipment.section.js';
import { mapPayersSection } from './payers.section.js';

/**
 * The section mapper of each section kind. A kind without one (and 'narrative') becomes a
 * Composition.section with its narrative only. Each kind's mapper lives in
 * `sections/<kind>.section.ts`; add one import and one line per kind.
 */
export const SECTION_MAPPERS: Partial<Record<SectionKind, SectionMapper>> = {
  problems: mapProblemsSection,
  allergies: mapAllergiesSection,
  medications: mapMedicationsSection,
  assessment: mapAssessmentSection,
  notes: mapNotesSection,
  results: mapResultsSection,
  'vital-signs': mapVitalSignsSection,
  immunizations: mapImmunizationsSection,
  procedures: mapProceduresSection,
  encounters: mapEncountersSection,
  'social-history': mapSocialHistorySection,
  'plan-of-treatment': mapPlanOfTreatmentSection,
  goals: mapGoalsSection,
  'health-concerns': mapHealthConcernsSection,
  'functional-status': mapFunctionalStatusSection,
  'mental-status': mapMentalStatusSection,
  'family-history': mapFamilyHistorySection,
  'medical-equipment': mapMedicalEquipmentSection,
  payers: mapPayersSection,
};

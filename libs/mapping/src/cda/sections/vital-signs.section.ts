import { child, childrenNamed } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { codeSystemUri, effectiveOf } from '../cda-datatypes.js';
import type { Coding, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { sectionEntries, uniqueReferences, type SectionEntry } from './results.entries.js';
import { mapObservation } from './results.observation.js';

const LOINC_OID = '2.16.840.1.113883.6.1';
/** FHIR's vital signs panel (the vital signs profile's code for a grouping observation). */
const VITAL_SIGNS_PANEL = '85353-1';
const VITAL_SIGNS_PANEL_DISPLAY = 'Vital signs, weight, height, head circumference, oxygen saturation and BMI panel';
const CATEGORY = 'vital-signs';

/**
 * Vital Signs section: each Vital Signs Organizer → a panel Observation (LOINC 85353-1 first, the
 * organizer's own codes kept; hasMember → its members) and each Vital Sign Observation → an
 * Observation (category vital-signs, valueQuantity in UCUM, the organizer's time when it has
 * none). A lone Vital Sign Observation → Observation. Returns the panels and lone observations.
 */
export const mapVitalSignsSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'vital-signs')) {
    if (entry.act.name === 'organizer') refs.push(mapVitalSignsOrganizer(entry, ctx));
    else if (entry.act.name === 'observation') refs.push(mapObservation(entry.act, ctx, { category: CATEGORY, fallback: entry.fallback }));
    else ctx.warn('unsupported-entry', entry.path);
  }
  return uniqueReferences(refs);
};

function mapVitalSignsOrganizer(entry: SectionEntry, ctx: CdaContext): Reference {
  const org = entry.act;
  const effective = effectiveOf(child(org, 'effectiveTime'));
  const members: Reference[] = [];
  childrenNamed(org, 'component').forEach((component, i) => {
    const obs = child(component, 'observation');
    if (!obs) {
      if (component.children.length) ctx.warn('unsupported-entry', `${entry.path}/component[${i}]`);
      return;
    }
    members.push(mapObservation(obs, ctx, { category: CATEGORY, fallback: [...entry.fallback, String(i)], effectiveFallback: effective }));
  });
  const panel: Coding = { code: VITAL_SIGNS_PANEL, display: VITAL_SIGNS_PANEL_DISPLAY };
  const loinc = codeSystemUri(LOINC_OID, ctx);
  if (loinc !== undefined) panel.system = loinc;
  return mapObservation(org, ctx, {
    category: CATEGORY,
    fallback: entry.fallback,
    leadingCodings: [panel],
    hasMember: uniqueReferences(members),
  });
}

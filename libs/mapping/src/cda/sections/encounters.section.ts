import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dataAbsentReason, identifiers, periodOf } from '../cda-datatypes.js';
import type { Coding, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { encounterDiagnoses } from './encounters.diagnosis.js';
import { locationsOf } from './procedures.location.js';
import { actorsOf, addEntry, indicationsOf, sectionEntries, statusCodeOf, uniqueReferences, type SectionEntry } from './results.entries.js';

/** HL7 v3 ActCode, where the encounter classes (AMB, IMP, EMER...) live. */
const ACT_CODE_OID = '2.16.840.1.113883.5.4';

/**
 * Encounters section: each Encounter Activity → Encounter: class (an ActCode code or translation,
 * else the encounter-type-to-class table, else data-absent-reason), type (its code), status
 * (planned for a non-EVN mood, else act-status-to-encounter-status, finished by default), period,
 * participants (performers), locations (Service Delivery Location), reasonCode (Indications),
 * diagnosis (Encounter Diagnosis → Condition) and discharge disposition. Returns the references.
 */
export const mapEncountersSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'encounters')) {
    if (entry.act.name !== 'encounter') {
      ctx.warn('unsupported-entry', entry.path);
      continue;
    }
    refs.push(mapEncounter(entry, ctx));
  }
  return uniqueReferences(refs);
};

function mapEncounter(entry: SectionEntry, ctx: CdaContext): Reference {
  const act = entry.act;
  const codeEl = child(act, 'code');
  const resource: FhirResource = { resourceType: 'Encounter', id: '' };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = encounterStatus(act, ctx);
  // class is required: when nothing says it, data-absent-reason says so.
  resource['class'] = encounterClass(codeEl, ctx) ?? { extension: [dataAbsentReason(codeEl, ctx)] };
  const type = codeableConcept(codeEl, ctx);
  if (type) resource['type'] = [type];
  resource['subject'] = ctx.patient;
  // A participant's individual is a person: an organization-only performer is not one.
  const participants = actorsOf(act, ctx, ['performer']).filter((r) => !r.reference?.startsWith('Organization/'));
  if (participants.length) resource['participant'] = participants.map((individual) => ({ individual }));
  const period = periodOf(child(act, 'effectiveTime'));
  if (period) resource['period'] = period;
  const reasons = indicationsOf(act, ctx);
  if (reasons.length) resource['reasonCode'] = reasons;
  const diagnoses = encounterDiagnoses(act, ctx, entry.fallback);
  if (diagnoses.length) resource['diagnosis'] = diagnoses.map((condition) => ({ condition }));
  const disposition = codeableConcept(child(act, 'sdtc:dischargeDispositionCode'), ctx);
  if (disposition) resource['hospitalization'] = { dischargeDisposition: disposition };
  const locations = locationsOf(act, ctx);
  if (locations.length) resource['location'] = locations.map((location) => ({ location }));
  return addEntry(resource, act, ctx, entry.fallback, ['type', 'period', 'status']);
}

function encounterStatus(act: XmlElement, ctx: CdaContext): string {
  const mood = attr(act, 'moodCode')?.trim() ?? 'EVN';
  const planned = ctx.tables.valueMap('mood-code-to-encounter-status', mood);
  if (planned !== undefined) return planned;
  // '' (no statusCode) gets the table's default.
  return ctx.tables.valueMap('act-status-to-encounter-status', statusCodeOf(act) ?? '') ?? 'unknown';
}

/**
 * Encounter.class: the code or a translation in ActCode (through `encounter-class`), else the first
 * of them the `encounter-type-to-class` table knows (CPT evaluation-and-management and SNOMED CT
 * encounter codes).
 */
function encounterClass(codeEl: XmlElement | undefined, ctx: CdaContext): Coding | undefined {
  if (!codeEl) return undefined;
  const candidates = [codeEl, ...childrenNamed(codeEl, 'translation')];
  for (const c of candidates) {
    if (attr(c, 'codeSystem')?.trim() !== ACT_CODE_OID) continue;
    const code = ctx.tables.valueMap('encounter-class', attr(c, 'code')?.trim());
    if (code !== undefined) return classCoding('encounter-class', code, ctx);
  }
  for (const c of candidates) {
    const code = ctx.tables.valueMap('encounter-type-to-class', attr(c, 'code')?.trim());
    if (code !== undefined) return classCoding('encounter-type-to-class', code, ctx);
  }
  return undefined;
}

function classCoding(table: string, code: string, ctx: CdaContext): Coding {
  const system = ctx.tables.valueSystem(table);
  return system !== undefined ? { system, code } : { code };
}

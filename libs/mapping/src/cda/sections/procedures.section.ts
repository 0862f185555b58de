import { attr, child, childrenNamed } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, effectiveOf, identifiers } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { locationsOf } from './procedures.location.js';
import {
  actorsOf,
  addEntry,
  indicationsOf,
  isNegated,
  sectionEntries,
  statusCodeOf,
  uniqueReferences,
  type SectionEntry,
} from './results.entries.js';

/** The clinical statements a Procedure Activity can be (Procedure, Observation and Act templates). */
const PROCEDURE_ACTS: ReadonlySet<string> = new Set(['procedure', 'observation', 'act']);

/**
 * Procedures section: each Procedure Activity Procedure, Observation or Act → Procedure: code,
 * status (procedure-status-to-event-status; negationInd → not-done), performed[x], bodySite
 * (targetSiteCode), performers, location (Service Delivery Location) and reasonCode
 * (Indications). Returns the references in entry order.
 */
export const mapProceduresSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'procedures')) {
    if (!PROCEDURE_ACTS.has(entry.act.name)) {
      ctx.warn('unsupported-entry', entry.path);
      continue;
    }
    refs.push(mapProcedure(entry, ctx));
  }
  return uniqueReferences(refs);
};

function mapProcedure(entry: SectionEntry, ctx: CdaContext): Reference {
  const act = entry.act;
  const code = codeableConcept(child(act, 'code'), ctx);
  const resource: FhirResource = {
    resourceType: 'Procedure',
    id: '',
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = procedureStatus(entry, ctx);
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(act, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) resource['performedDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) resource['performedPeriod'] = effective.effectivePeriod;
  const performer = actorsOf(act, ctx, ['performer']);
  if (performer.length) resource['performer'] = performer.map((actor) => ({ actor }));
  const location = locationsOf(act, ctx);
  if (location.length) resource['location'] = location[0];
  const reasons = indicationsOf(act, ctx);
  if (reasons.length) resource['reasonCode'] = reasons;
  const bodySite = childrenNamed(act, 'targetSiteCode')
    .map((c) => codeableConcept(c, ctx))
    .filter((c): c is CodeableConcept => c !== undefined);
  if (bodySite.length) resource['bodySite'] = bodySite;
  return addEntry(resource, act, ctx, entry.fallback, ['code', 'performedDateTime', 'performedPeriod', 'status']);
}

function procedureStatus(entry: SectionEntry, ctx: CdaContext): string {
  if (isNegated(entry.act)) return 'not-done';
  const mood = attr(entry.act, 'moodCode')?.trim();
  if (mood !== undefined && mood !== 'EVN') {
    // A plan in a list of procedures done: kept, but as not yet started.
    ctx.warn('planned-act-in-event-section', entry.path);
    return 'preparation';
  }
  // '' (no statusCode) gets the table's default.
  return ctx.tables.valueMap('procedure-status-to-event-status', statusCodeOf(entry.act) ?? '') ?? 'unknown';
}

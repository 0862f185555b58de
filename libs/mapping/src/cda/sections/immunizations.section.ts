import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import {
  cleanString,
  codeableConcept,
  dataAbsentReason,
  dateTimeOf,
  identifiers,
  organizationOf,
  quantityOf,
} from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapImmunizationRequest } from './immunizations.request.js';
import {
  TEMPLATE,
  actorsOf,
  addEntry,
  hasTemplate,
  indicationsOf,
  isNegated,
  related,
  sectionEntries,
  statusCodeOf,
  uniqueReferences,
  type SectionEntry,
} from './results.entries.js';

/**
 * Immunizations section: each Immunization Activity (moodCode EVN) → Immunization: vaccineCode
 * from the consumable's manufacturedMaterial (CVX), status (negationInd → not-done, with the
 * Immunization Refusal Reason as statusReason), occurrence (data-absent-reason when unknown),
 * lot number, manufacturer, route, site, dose, performers and reasons (Indications). A planned
 * one (INT, RQO...) → MedicationRequest. Returns the references in entry order.
 */
export const mapImmunizationsSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'immunizations')) {
    if (entry.act.name !== 'substanceAdministration') {
      ctx.warn('unsupported-entry', entry.path);
      continue;
    }
    const mood = attr(entry.act, 'moodCode')?.trim() ?? 'EVN';
    refs.push(mood === 'EVN' ? mapImmunization(entry, ctx) : mapImmunizationRequest(entry, vaccineCodeOf(entry.act, ctx), ctx));
  }
  return uniqueReferences(refs);
};

/** The vaccine: consumable/manufacturedProduct/manufacturedMaterial/code (CVX, with its translations). */
export function vaccineCodeOf(act: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  return codeableConcept(materialOf(act, 'code'), ctx);
}

function materialOf(act: XmlElement, name?: string): XmlElement | undefined {
  const material = child(child(child(act, 'consumable'), 'manufacturedProduct'), 'manufacturedMaterial');
  return name === undefined ? material : child(material, name);
}

function mapImmunization(entry: SectionEntry, ctx: CdaContext): Reference {
  const act = entry.act;
  const vaccineCode = vaccineCodeOf(act, ctx);
  const resource: FhirResource = {
    resourceType: 'Immunization',
    id: '',
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  const negated = isNegated(act);
  // '' (no statusCode) gets the table's default.
  resource['status'] = negated
    ? 'not-done'
    : (ctx.tables.valueMap('act-status-to-immunization-status', statusCodeOf(act) ?? '') ?? 'completed');
  if (negated) {
    const reason = refusalReason(act, ctx);
    if (reason) resource['statusReason'] = reason;
  }
  resource['vaccineCode'] = vaccineCode ?? { extension: [dataAbsentReason(materialOf(act, 'code'), ctx)] };
  resource['patient'] = ctx.patient;
  // occurrence[x] is required: an unknown time is said with data-absent-reason, not left out.
  const effective = child(act, 'effectiveTime');
  const occurrence = dateTimeOf(effective);
  if (occurrence !== undefined) resource['occurrenceDateTime'] = occurrence;
  else resource['_occurrenceDateTime'] = { extension: [dataAbsentReason(effective, ctx)] };
  const manufacturer = organizationOf(child(child(child(act, 'consumable'), 'manufacturedProduct'), 'manufacturerOrganization'), ctx);
  if (manufacturer) resource['manufacturer'] = manufacturer;
  const lot = cleanString(textOf(materialOf(act, 'lotNumberText')));
  if (lot !== undefined) resource['lotNumber'] = lot;
  const site = codeableConcept(child(act, 'approachSiteCode'), ctx);
  if (site) resource['site'] = site;
  const route = codeableConcept(child(act, 'routeCode'), ctx);
  if (route) resource['route'] = route;
  const dose = quantityOf(child(act, 'doseQuantity'));
  if (dose) resource['doseQuantity'] = dose;
  const performer = actorsOf(act, ctx, ['performer']);
  if (performer.length) resource['performer'] = performer.map((actor) => ({ actor }));
  const reasons = indicationsOf(act, ctx);
  if (reasons.length) resource['reasonCode'] = reasons;
  return addEntry(resource, act, ctx, entry.fallback, ['vaccineCode', 'occurrenceDateTime', 'status']);
}

/** Immunization Refusal Reason (RSON observation): its code says why it was not given. */
function refusalReason(act: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  for (const r of related(act, 'RSON')) {
    if (!hasTemplate(r, TEMPLATE.immunizationRefusalReason)) continue;
    const reason = codeableConcept(child(r, 'code'), ctx);
    if (reason) return reason;
  }
  return undefined;
}

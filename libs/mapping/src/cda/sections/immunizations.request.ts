import { attr, child, childrenNamed } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { dataAbsentReason, dateTimeOf, identifiers } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import { addEntry, statusCodeOf, type SectionEntry } from './results.entries.js';

/**
 * A planned Immunization Activity (moodCode INT, RQO, PRP...) in the Immunizations section →
 * MedicationRequest for the vaccine (status and intent through the planned-activity tables).
 * An Immunization records a given (or refused) dose, so a plan cannot be one.
 */
export function mapImmunizationRequest(entry: SectionEntry, vaccineCode: CodeableConcept | undefined, ctx: CdaContext): Reference {
  const act = entry.act;
  const resource: FhirResource = {
    resourceType: 'MedicationRequest',
    id: '',
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default.
  resource['status'] = ctx.tables.valueMap('act-status-to-medication-request-status', statusCodeOf(act) ?? '') ?? 'unknown';
  resource['intent'] = ctx.tables.valueMap('mood-code-to-request-intent', attr(act, 'moodCode')?.trim() ?? '') ?? 'plan';
  if (attr(act, 'negationInd')?.trim() === 'true') resource['doNotPerform'] = true;
  const code = child(child(child(act, 'consumable'), 'manufacturedProduct'), 'manufacturedMaterial');
  resource['medicationCodeableConcept'] = vaccineCode ?? { extension: [dataAbsentReason(child(code, 'code'), ctx)] };
  resource['subject'] = ctx.patient;
  const when = dateTimeOf(child(act, 'effectiveTime'));
  // The planned time: when the dose is to be given.
  if (when !== undefined) resource['dosageInstruction'] = [{ timing: { event: [when] } }];
  return addEntry(resource, act, ctx, entry.fallback, ['medicationCodeableConcept', 'dosageInstruction']);
}

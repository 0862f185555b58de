import { child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, effectiveOf, identifiers } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';
import { codeWithText, entryText } from './plan-of-treatment.entries.js';
import { actorsOf, entryResourceId, statusCodeOf } from './results.entries.js';

/**
 * One observation of a Risk Concern Act → RiskAssessment: a risk is not a condition the patient
 * has, so it is never a Condition. code = the concern's code ("At risk for"), prediction.outcome =
 * the observation's value (what the patient is at risk of), status through
 * `act-status-to-observation-status`, occurrence = the observation's time, performer = its author.
 */
export function mapRiskAssessment(obs: XmlElement, concern: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const outcome = codeableConcept(child(obs, 'value'), ctx) ?? textOnly(obs, ctx);
  const resource: FhirResource = {
    resourceType: 'RiskAssessment',
    id: entryResourceId('RiskAssessment', obs, ctx, fallback, { field: 'prediction', value: outcome }),
  };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default (final).
  resource['status'] = ctx.tables.valueMap('act-status-to-observation-status', statusCodeOf(obs) ?? '') ?? 'final';
  const code = codeWithText(concern, ctx);
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  const when = effectiveOf(child(obs, 'effectiveTime'));
  if (when.effectiveDateTime !== undefined) resource['occurrenceDateTime'] = when.effectiveDateTime;
  else if (when.effectivePeriod) resource['occurrencePeriod'] = when.effectivePeriod;
  // RiskAssessment.performer takes a practitioner (or device), not an organization.
  const performer = [...actorsOf(obs, ctx, ['author']), ...actorsOf(concern, ctx, ['author'])].find((a) =>
    /^Practitioner(Role)?\//.test(a.reference ?? ''),
  );
  if (performer) resource['performer'] = performer;
  if (outcome) resource['prediction'] = [{ outcome }];
  return ctx.add(resource);
}

function textOnly(obs: XmlElement, ctx: CdaContext): { text: string } | undefined {
  const text = entryText(obs, ctx);
  return text !== undefined ? { text } : undefined;
}

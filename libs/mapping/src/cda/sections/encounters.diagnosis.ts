import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dataAbsentReason, dateTimeOf, identifiers } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';
import { TEMPLATE, addEntry, hasTemplate, related, statusCodeOf } from './results.entries.js';

/** Problem Status observation (template 4.6): its value is the problem's clinical status. */
const PROBLEM_STATUS = '2.16.840.1.113883.10.20.22.4.6';

/**
 * The diagnoses of an Encounter Activity as Conditions (category encounter-diagnosis): the
 * Problem Observations inside its Encounter Diagnosis acts (REFR, template 4.80), and any Problem
 * Observation related to it directly. Returns their references.
 */
export function encounterDiagnoses(encounter: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference[] {
  const problems: XmlElement[] = [];
  for (const r of related(encounter)) {
    if (r.name === 'act' && hasTemplate(r, TEMPLATE.encounterDiagnosis)) {
      for (const p of related(r)) if (p.name === 'observation' && hasTemplate(p, TEMPLATE.problemObservation)) problems.push(p);
    } else if (r.name === 'observation' && hasTemplate(r, TEMPLATE.problemObservation)) problems.push(r);
  }
  const out: Reference[] = [];
  problems.forEach((p, i) => {
    const ref = mapDiagnosis(p, ctx, [...fallback, 'diagnosis', String(i)]);
    if (!out.some((r) => r.reference === ref.reference)) out.push(ref);
  });
  return out;
}

/** A Problem Observation → Condition: code (its value), clinical status, verification, onset. */
function mapDiagnosis(obs: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const valueEl = child(obs, 'value');
  const code = codeableConcept(valueEl, ctx);
  const resource: FhirResource = {
    resourceType: 'Condition',
    id: '',
  };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  const clinical = clinicalStatus(obs, ctx);
  if (clinical !== undefined) {
    resource['clinicalStatus'] = { coding: [{ system: ctx.tables.valueSystem('problem-status'), code: clinical }] };
  }
  const verification = ctx.tables.valueMap('condition-verification', attr(obs, 'negationInd')?.trim() ?? 'false');
  if (verification !== undefined && statusCodeOf(obs) !== 'nullified') {
    resource['verificationStatus'] = { coding: [{ system: ctx.tables.valueSystem('condition-verification'), code: verification }] };
  }
  resource['category'] = [{ coding: [{ system: ctx.tables.valueSystem('condition-category'), code: 'encounter-diagnosis' }] }];
  resource['code'] = code ?? { extension: [dataAbsentReason(valueEl, ctx)] };
  resource['subject'] = ctx.patient;
  const effective = child(obs, 'effectiveTime');
  const onset = dateTimeOf(child(effective, 'low') ?? effective);
  if (onset !== undefined) resource['onsetDateTime'] = onset;
  return addEntry(resource, obs, ctx, fallback, ['code', 'onsetDateTime']);
}

/** The Problem Status observation's value through the problem-status table. */
function clinicalStatus(obs: XmlElement, ctx: CdaContext): string | undefined {
  for (const r of related(obs, 'REFR')) {
    if (!hasTemplate(r, PROBLEM_STATUS)) continue;
    const status = ctx.tables.valueMap('problem-status', attr(child(r, 'value'), 'code')?.trim());
    if (status !== undefined) return status;
  }
  return undefined;
}

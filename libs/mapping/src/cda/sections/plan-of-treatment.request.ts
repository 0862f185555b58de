import { child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dataAbsentReason, effectiveOf, identifiers, quantityOf } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import { productDeviceOf } from './medical-equipment.device.js';
import { PLAN_TEMPLATE, authoredOn, codeWithText, entryText, moodOf, priorityPreferences } from './plan-of-treatment.entries.js';
import { actorsOf, entryResourceId, hasTemplate, isNegated, related, statusCodeOf } from './results.entries.js';

/*
 * Planned entries of a plan of treatment → FHIR requests, each referenced from
 * CarePlan.activity.reference: acts, procedures, observations and encounters → ServiceRequest;
 * medications, immunizations and medication supplies → MedicationRequest; device supplies →
 * DeviceRequest. Status and intent go through the `act-status-to-*` and
 * `mood-code-to-request-intent` tables; the Priority Preference through
 * `priority-preference-to-request-priority`.
 */

/** Planned Act / Procedure / Observation / Encounter (and interventions) → ServiceRequest. */
export function mapServiceRequest(act: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const code = codeWithText(act, ctx);
  const resource: FhirResource = {
    resourceType: 'ServiceRequest',
    id: entryResourceId('ServiceRequest', act, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default.
  resource['status'] = ctx.tables.valueMap('act-status-to-request-status', statusCodeOf(act) ?? '') ?? 'active';
  resource['intent'] = intentOf(act, ctx);
  const priority = priorityOf(act, ctx);
  if (priority !== undefined) resource['priority'] = priority;
  if (isNegated(act)) resource['doNotPerform'] = true;
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(act, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) resource['occurrenceDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) resource['occurrencePeriod'] = effective.effectivePeriod;
  const authored = authoredOn(act);
  if (authored !== undefined) resource['authoredOn'] = authored;
  const requester = actorsOf(act, ctx, ['author'])[0];
  if (requester) resource['requester'] = requester;
  const performer = actorsOf(act, ctx, ['performer']);
  if (performer.length) resource['performer'] = performer;
  const reason = reasonsOf(act, ctx);
  if (reason.length) resource['reasonCode'] = reason;
  const bodySite = childrenNamed(act, 'targetSiteCode').map((s) => codeableConcept(s, ctx)).filter((s) => s !== undefined);
  if (bodySite.length) resource['bodySite'] = bodySite;
  const instruction = instructionsOf(act, ctx);
  if (instruction !== undefined) resource['patientInstruction'] = instruction;
  return ctx.add(resource);
}

/**
 * Planned Medication / Planned Immunization activity (substanceAdministration), or a Planned
 * Supply of a medication → MedicationRequest: the medication as a CodeableConcept (RxNorm, CVX),
 * dose, route and the planned time as the dosage's timing.
 */
export function mapMedicationRequest(act: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const materialCode = child(materialOf(act), 'code');
  const medication = codeableConcept(materialCode, ctx);
  const resource: FhirResource = {
    resourceType: 'MedicationRequest',
    id: entryResourceId('MedicationRequest', act, ctx, fallback, { field: 'medicationCodeableConcept', value: medication }),
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = ctx.tables.valueMap('act-status-to-medication-request-status', statusCodeOf(act) ?? '') ?? 'active';
  resource['intent'] = intentOf(act, ctx);
  const priority = priorityOf(act, ctx);
  if (priority !== undefined) resource['priority'] = priority;
  if (isNegated(act)) resource['doNotPerform'] = true;
  resource['medicationCodeableConcept'] = medication ?? { extension: [dataAbsentReason(materialCode, ctx)] };
  resource['subject'] = ctx.patient;
  const authored = authoredOn(act);
  if (authored !== undefined) resource['authoredOn'] = authored;
  const requester = actorsOf(act, ctx, ['author'])[0];
  if (requester) resource['requester'] = requester;
  const reason = reasonsOf(act, ctx);
  if (reason.length) resource['reasonCode'] = reason;
  const dosage = dosageOf(act, ctx);
  if (dosage) resource['dosageInstruction'] = [dosage];
  const quantity = act.name === 'supply' ? quantityOf(child(act, 'quantity')) : undefined;
  if (quantity) resource['dispenseRequest'] = { quantity };
  return ctx.add(resource);
}

/** A Planned Supply of a device (participant playingDevice) → DeviceRequest for that device. */
export function mapDeviceRequest(supply: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const role = productRoleOf(supply);
  const type = codeableConcept(child(child(role, 'playingDevice'), 'code'), ctx);
  const resource: FhirResource = {
    resourceType: 'DeviceRequest',
    id: entryResourceId('DeviceRequest', supply, ctx, fallback, { field: 'codeCodeableConcept', value: type }),
  };
  const identifier = identifiers(childrenNamed(supply, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = ctx.tables.valueMap('act-status-to-request-status', statusCodeOf(supply) ?? '') ?? 'active';
  resource['intent'] = intentOf(supply, ctx);
  const priority = priorityOf(supply, ctx);
  if (priority !== undefined) resource['priority'] = priority;
  // code[x] is required: the device kind when coded, else the device itself (it has at least the patient).
  if (type) resource['codeCodeableConcept'] = type;
  else resource['codeReference'] = productDeviceOf(role, ctx, [...fallback, 'device']);
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(supply, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) resource['occurrenceDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) resource['occurrencePeriod'] = effective.effectivePeriod;
  const authored = authoredOn(supply);
  if (authored !== undefined) resource['authoredOn'] = authored;
  const requester = actorsOf(supply, ctx, ['author'])[0];
  if (requester) resource['requester'] = requester;
  const reason = reasonsOf(supply, ctx);
  if (reason.length) resource['reasonCode'] = reason;
  return ctx.add(resource);
}

/** The manufacturedMaterial of a substanceAdministration's consumable or a supply's product. */
export function materialOf(act: XmlElement): XmlElement | undefined {
  const holder = act.name === 'supply' ? child(act, 'product') : child(act, 'consumable');
  return child(child(holder, 'manufacturedProduct'), 'manufacturedMaterial');
}

/** The participantRole of a supply's device participant (PRD, or DEV in older documents). */
export function productRoleOf(act: XmlElement): XmlElement | undefined {
  for (const p of childrenNamed(act, 'participant')) {
    const role = child(p, 'participantRole');
    if (role && child(role, 'playingDevice')) return role;
  }
  return undefined;
}

function intentOf(act: XmlElement, ctx: CdaContext): string {
  return ctx.tables.valueMap('mood-code-to-request-intent', moodOf(act)) ?? 'plan';
}

/** The request priority of the first Priority Preference the table knows. */
function priorityOf(act: XmlElement, ctx: CdaContext): string | undefined {
  for (const pref of priorityPreferences(act, ctx)) {
    for (const c of pref.coding ?? []) {
      const p = ctx.tables.valueMap('priority-preference-to-request-priority', c.code);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** Indications (RSON observations other than priority preferences): their value, else their code. */
function reasonsOf(act: XmlElement, ctx: CdaContext): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  for (const r of related(act, 'RSON')) {
    if (r.name !== 'observation' || hasTemplate(r, PLAN_TEMPLATE.priorityPreference)) continue;
    // An Indication's code only says "indication": its value is the reason.
    const own = hasTemplate(r, PLAN_TEMPLATE.indication) ? undefined : codeableConcept(child(r, 'code'), ctx);
    const reason = codeableConcept(child(r, 'value'), ctx) ?? own;
    if (reason) out.push(reason);
  }
  return out;
}

/** Instruction acts (SUBJ) joined: what the patient is told about this planned act. */
function instructionsOf(act: XmlElement, ctx: CdaContext): string | undefined {
  const texts: string[] = [];
  for (const r of related(act, 'SUBJ')) {
    if (!hasTemplate(r, PLAN_TEMPLATE.instruction)) continue;
    const text = entryText(r, ctx) ?? codeableConcept(child(r, 'code'), ctx)?.coding?.[0]?.display;
    if (text !== undefined) texts.push(text);
  }
  return texts.length ? texts.join('\n') : undefined;
}

/** Dosage of a planned medication: instructions, the planned time, route and dose; undefined when it says nothing. */
function dosageOf(act: XmlElement, ctx: CdaContext): Record<string, unknown> | undefined {
  const dosage: Record<string, unknown> = {};
  const instruction = instructionsOf(act, ctx);
  if (instruction !== undefined) dosage['patientInstruction'] = instruction;
  const timing = timingOf(act);
  if (timing) dosage['timing'] = timing;
  const route = codeableConcept(child(act, 'routeCode'), ctx);
  if (route) dosage['route'] = route;
  const dose = quantityOf(child(act, 'doseQuantity'));
  if (dose) dosage['doseAndRate'] = [{ doseQuantity: dose }];
  return Object.keys(dosage).length ? dosage : undefined;
}

/** The planned time (first effectiveTime): a point → Timing.event, an interval → repeat.boundsPeriod. */
function timingOf(act: XmlElement): Record<string, unknown> | undefined {
  const effective = effectiveOf(child(act, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) return { event: [effective.effectiveDateTime] };
  return effective.effectivePeriod ? { repeat: { boundsPeriod: effective.effectivePeriod } } : undefined;
}

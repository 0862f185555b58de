import { attr, child, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { cleanString, narrativeOf } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapGoal } from './goals.goal.js';
import { activityDetailOf } from './plan-of-treatment.activity.js';
import { PLAN_TEMPLATE, moodOf } from './plan-of-treatment.entries.js';
import { mapDeviceRequest, mapMedicationRequest, mapServiceRequest, materialOf, productRoleOf } from './plan-of-treatment.request.js';
import { hasTemplate, related, sectionEntries, uniqueReferences } from './results.entries.js';

/** US Core's CarePlan category for an assessment and plan of treatment. */
const ASSESS_PLAN = { coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan' }] };

/** What one plan-of-treatment section yields, gathered before the CarePlan that joins it. */
interface PlanParts {
  readonly requests: Reference[];
  readonly goals: Reference[];
  readonly details: Record<string, unknown>[];
}

/**
 * Plan of Treatment section (and Assessment and Plan): each planned entry becomes its own request
 * resource, so it can be searched, ordered and fulfilled like any other: Planned Act / Procedure /
 * Observation / Encounter → ServiceRequest, Planned Medication / Immunization and medication
 * supplies → MedicationRequest (intent from the moodCode), device supplies → DeviceRequest; Goal
 * Observations (moodCode GOL) → Goal; Instructions, hand-offs and other acts in event mood →
 * CarePlan.activity.detail (code, status, narrative as description). One CarePlan (status
 * active, intent plan, US Core category assess-plan, the section's narrative) joins them:
 * activity.reference per request, activity.detail per other act, goal per Goal. Returns the
 * CarePlan first, then the requests and goals; nothing when the section has no usable entry.
 */
export const mapPlanOfTreatmentSection: SectionMapper = (section, ctx) => {
  const parts: PlanParts = { requests: [], goals: [], details: [] };
  for (const entry of sectionEntries(section, 'plan-of-treatment')) addPlanned(entry.act, ctx, entry.fallback, entry.path, parts);
  const requests = uniqueReferences(parts.requests);
  const goals = uniqueReferences(parts.goals);
  if (!requests.length && !goals.length && !parts.details.length) return [];

  const key = attr(child(section, 'code'), 'code') ?? attr(child(section, 'templateId'), 'root') ?? '';
  const carePlan: FhirResource = { resourceType: 'CarePlan', id: ctx.entryId('CarePlan', section, 'plan-of-treatment', key) };
  const text = narrativeOf(child(section, 'text'));
  if (text) carePlan['text'] = text;
  carePlan['status'] = 'active';
  carePlan['intent'] = 'plan';
  carePlan['category'] = [ASSESS_PLAN];
  const title = cleanString(textOf(child(section, 'title')));
  if (title !== undefined) carePlan['title'] = title;
  carePlan['subject'] = ctx.patient;
  if (ctx.encounter) carePlan['encounter'] = ctx.encounter;
  if (ctx.documentTime !== undefined) carePlan['created'] = ctx.documentTime;
  if (ctx.author) carePlan['author'] = ctx.author;
  const activity = [...requests.map((reference) => ({ reference })), ...parts.details.map((detail) => ({ detail }))];
  if (activity.length) carePlan['activity'] = activity;
  if (goals.length) carePlan['goal'] = goals;
  return uniqueReferences([ctx.add(carePlan), ...requests, ...goals]);
};

/** One planned (or recorded) clinical statement → a request, a goal or an activity detail. */
function addPlanned(act: XmlElement, ctx: CdaContext, fallback: readonly string[], path: string, parts: PlanParts): void {
  const mood = moodOf(act);
  if (act.name === 'observation' && (mood === 'GOL' || hasTemplate(act, PLAN_TEMPLATE.goalObservation))) {
    parts.goals.push(mapGoal(act, ctx, fallback));
  } else if (mood === 'EVN') {
    const detail = activityDetailOf(act, ctx);
    // Entry References and empty acts point elsewhere or say nothing: no activity of their own.
    if (detail['code'] !== undefined || detail['description'] !== undefined) parts.details.push(detail);
    else if (!hasTemplate(act, PLAN_TEMPLATE.entryReference)) ctx.warn('empty-entry', path);
  } else if (act.name === 'substanceAdministration') {
    parts.requests.push(mapMedicationRequest(act, ctx, fallback));
  } else if (act.name === 'supply') {
    if (materialOf(act)) parts.requests.push(mapMedicationRequest(act, ctx, fallback));
    else if (productRoleOf(act)) parts.requests.push(mapDeviceRequest(act, ctx, fallback));
    else parts.requests.push(mapServiceRequest(act, ctx, fallback));
  } else if (act.name === 'act' || act.name === 'procedure' || act.name === 'observation' || act.name === 'encounter') {
    parts.requests.push(mapServiceRequest(act, ctx, fallback));
  } else {
    ctx.warn('unsupported-entry', path);
    return;
  }
  // An intervention groups the planned acts it consists of (REFR): each is an activity of its own.
  if (hasTemplate(act, PLAN_TEMPLATE.plannedIntervention) || hasTemplate(act, PLAN_TEMPLATE.interventionAct)) {
    related(act, 'REFR').forEach((nested, i) => {
      if (hasTemplate(nested, PLAN_TEMPLATE.entryReference)) return;
      addPlanned(nested, ctx, [...fallback, 'refr', String(i)], `${path}/entryRelationship[${i}]/${nested.name}`, parts);
    });
  }
}

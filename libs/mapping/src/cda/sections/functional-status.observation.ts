import { child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dataAbsentReason, effectiveOf, identifiers, observationValue } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import { productDeviceOf } from './medical-equipment.device.js';
import { PLAN_TEMPLATE, codeWithText } from './plan-of-treatment.entries.js';
import { productRoleOf } from './plan-of-treatment.request.js';
import { absentReasonConcept } from './results.observation.js';
import { actorsOf, entryResourceId, hasTemplate, related, statusCodeOf, uniqueReferences, type SectionEntry } from './results.entries.js';

/** US Core observation categories for these sections (R4's observation-category has only 'survey' for them). */
export type StatusCategory = 'functional-status' | 'cognitive-status';

const SURVEY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] };
const US_CORE_CATEGORY = 'http://hl7.org/fhir/us/core/CodeSystem/us-core-category';

/**
 * Cognitive templates (Cognitive Status Problem Observation, Mental Status / Cognitive Status
 * Result Observation and Organizer): 'cognitive-status' even when found in a Functional Status section.
 */
const COGNITIVE_TEMPLATES: readonly string[] = [
  '2.16.840.1.113883.10.20.22.4.73',
  '2.16.840.1.113883.10.20.22.4.74',
  '2.16.840.1.113883.10.20.22.4.75',
];

/**
 * One entry of a Functional Status or Mental Status section → Observation(s), category survey
 * plus the US Core functional-status / cognitive-status: an organizer (Functional Status
 * Organizer, Mental Status Organizer) → a panel Observation (the organizer's code, hasMember) and
 * one Observation per component; an observation → Observation (code, status through
 * `act-status-to-observation-status`, effective, value via observationValue else
 * data-absent-reason, interpretation, method, body site, performers, an assistive device from a
 * Non-Medicinal Supply as Observation.device, nested assessment items as components).
 * Undefined (with a warning) for any other entry.
 */
export function mapStatusEntry(entry: SectionEntry, ctx: CdaContext, category: StatusCategory): Reference | undefined {
  if (entry.act.name === 'observation') return mapStatusObservation(entry.act, ctx, categoryOf(entry.act, category), entry.fallback);
  if (entry.act.name === 'organizer') {
    return mapStatusOrganizer(entry.act, ctx, categoryOf(entry.act, category), entry.fallback, entry.path);
  }
  ctx.warn('unsupported-entry', entry.path);
  return undefined;
}

function categoryOf(element: XmlElement, fallback: StatusCategory): StatusCategory {
  return COGNITIVE_TEMPLATES.some((t) => hasTemplate(element, t)) ? 'cognitive-status' : fallback;
}

function categories(category: StatusCategory): CodeableConcept[] {
  return [SURVEY, { coding: [{ system: US_CORE_CATEGORY, code: category }] }];
}

function mapStatusOrganizer(
  org: XmlElement,
  ctx: CdaContext,
  category: StatusCategory,
  fallback: readonly string[],
  path: string,
): Reference {
  const members: Reference[] = [];
  childrenNamed(org, 'component').forEach((component, i) => {
    const obs = child(component, 'observation');
    if (obs) members.push(mapStatusObservation(obs, ctx, categoryOf(obs, category), [...fallback, String(i)]));
    else if (component.children.length) ctx.warn('unsupported-entry', `${path}/component[${i}]`);
  });
  const code = codeWithText(org, ctx);
  const panel: FhirResource = {
    resourceType: 'Observation',
    id: entryResourceId('Observation', org, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(org, 'id'), ctx);
  if (identifier.length) panel['identifier'] = identifier;
  panel['status'] = ctx.tables.valueMap('act-status-to-observation-status', statusCodeOf(org) ?? '') ?? 'final';
  panel['category'] = categories(category);
  panel['code'] = code ?? { extension: [dataAbsentReason(child(org, 'code'), ctx)] };
  panel['subject'] = ctx.patient;
  Object.assign(panel, effectiveOf(child(org, 'effectiveTime')));
  const performer = actorsOf(org, ctx, ['performer', 'author']);
  if (performer.length) panel['performer'] = performer;
  const hasMember = uniqueReferences(members);
  if (hasMember.length) panel['hasMember'] = hasMember;
  else panel['dataAbsentReason'] = absentReasonConcept(undefined, ctx);
  return ctx.add(panel);
}

function mapStatusObservation(obs: XmlElement, ctx: CdaContext, category: StatusCategory, fallback: readonly string[]): Reference {
  const code = codeWithText(obs, ctx);
  const resource: FhirResource = {
    resourceType: 'Observation',
    id: entryResourceId('Observation', obs, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default (final): these are assertions already made.
  resource['status'] = ctx.tables.valueMap('act-status-to-observation-status', statusCodeOf(obs) ?? '') ?? 'final';
  resource['category'] = categories(category);
  resource['code'] = code ?? { extension: [dataAbsentReason(child(obs, 'code'), ctx)] };
  resource['subject'] = ctx.patient;
  Object.assign(resource, effectiveOf(child(obs, 'effectiveTime')));
  const performer = actorsOf(obs, ctx, ['performer', 'author']);
  if (performer.length) resource['performer'] = performer;
  const valueElement = child(obs, 'value');
  const value = observationValue(valueElement, ctx);
  if (value) Object.assign(resource, value);
  else resource['dataAbsentReason'] = absentReasonConcept(valueElement, ctx);
  const interpretation = childrenNamed(obs, 'interpretationCode').map((c) => codeableConcept(c, ctx)).filter((c) => c !== undefined);
  if (interpretation.length) resource['interpretation'] = interpretation;
  const method = codeableConcept(child(obs, 'methodCode'), ctx);
  if (method) resource['method'] = method;
  const bodySite = codeableConcept(child(obs, 'targetSiteCode'), ctx);
  if (bodySite) resource['bodySite'] = bodySite;
  const device = assistiveDevice(obs, ctx, fallback);
  if (device) resource['device'] = device;
  const component = componentsOf(obs, ctx);
  if (component.length) resource['component'] = component;
  return ctx.add(resource);
}

/** The first Non-Medicinal Supply with a device (a cane, a walker) nested in the observation → its Device. */
function assistiveDevice(obs: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference | undefined {
  for (const r of related(obs)) {
    if (r.name !== 'supply') continue;
    const role = productRoleOf(r);
    if (role) return productDeviceOf(role, ctx, [...fallback, 'device']);
  }
  return undefined;
}

/**
 * Nested observations (assessment scale items, caregiver characteristics...) → components: their
 * code and value (data-absent-reason when none). Priority preferences are not findings; supplies
 * are the device; nested observations without a code have nothing to name them by.
 */
function componentsOf(obs: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of related(obs)) {
    if (r.name !== 'observation' || hasTemplate(r, PLAN_TEMPLATE.priorityPreference)) continue;
    const code = codeWithText(r, ctx);
    if (!code) continue;
    const component: Record<string, unknown> = { code };
    const valueElement = child(r, 'value');
    const value = observationValue(valueElement, ctx);
    if (value) Object.assign(component, value);
    else component['dataAbsentReason'] = absentReasonConcept(valueElement, ctx);
    out.push(component);
  }
  return out;
}

import { child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dataAbsentReason, identifiers, observationValue } from '../cda-datatypes.js';
import type { CodeableConcept, ObservationValue, Reference } from '../fhir-datatypes.model.js';
import { codeWithText, dateOf, entryText, priorityPreferences } from './plan-of-treatment.entries.js';
import { actorsOf, entryResourceId, statusCodeOf } from './results.entries.js';

/**
 * A Goal Observation (moodCode GOL; in the Goals section or a plan of treatment) → Goal:
 * lifecycleStatus through `goal-status-to-lifecycle-status`, description (required) from the
 * code with the goal's narrative as text (else the value, else data-absent-reason), target
 * (measure = the code, detail = the value, dueDate = effectiveTime/high), startDate =
 * effectiveTime/low, priority from the Priority Preference, expressedBy = the author.
 */
export function mapGoal(obs: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const code = codeableConcept(child(obs, 'code'), ctx);
  const description = describe(obs, ctx);
  const resource: FhirResource = {
    resourceType: 'Goal',
    id: entryResourceId('Goal', obs, ctx, fallback, { field: 'description', value: description }),
  };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default (active).
  resource['lifecycleStatus'] = ctx.tables.valueMap('goal-status-to-lifecycle-status', statusCodeOf(obs) ?? '') ?? 'active';
  const priority = priorityPreferences(obs, ctx)[0];
  if (priority) resource['priority'] = priority;
  resource['description'] = description;
  resource['subject'] = ctx.patient;
  const effective = child(obs, 'effectiveTime');
  const start = dateOf(child(effective, 'low')) ?? dateOf(effective && !child(effective, 'high') ? effective : undefined);
  if (start !== undefined) resource['startDate'] = start;
  const target = targetOf(obs, code, ctx);
  if (target) resource['target'] = [target];
  const expressedBy = actorsOf(obs, ctx, ['author'])[0];
  if (expressedBy) resource['expressedBy'] = expressedBy;
  return ctx.add(resource);
}

/** What the goal is: the code (with the goal's narrative), else a coded value, else the text, else data-absent-reason. */
function describe(obs: XmlElement, ctx: CdaContext): CodeableConcept {
  const described = codeWithText(obs, ctx);
  if (described) return described;
  const value = observationValue(child(obs, 'value'), ctx);
  if (value && 'valueCodeableConcept' in value) return value.valueCodeableConcept;
  if (value && 'valueString' in value) return { text: value.valueString };
  const text = entryText(obs, ctx);
  return text !== undefined ? { text } : { extension: [dataAbsentReason(child(obs, 'code'), ctx)] };
}

/**
 * Goal.target: the value as detail[x] measured by the code (gol-1: a detail needs its measure),
 * and effectiveTime/high as the due date. Undefined when there is neither.
 */
function targetOf(obs: XmlElement, code: CodeableConcept | undefined, ctx: CdaContext): Record<string, unknown> | undefined {
  const target: Record<string, unknown> = {};
  const value = code ? observationValue(child(obs, 'value'), ctx) : undefined;
  const detail = value ? detailOf(value) : undefined;
  if (code && detail) {
    target['measure'] = code;
    Object.assign(target, detail);
  }
  const due = dateOf(child(child(obs, 'effectiveTime'), 'high'));
  if (due !== undefined) target['dueDate'] = due;
  return Object.keys(target).length ? target : undefined;
}

/** Observation value[x] → Goal.target.detail[x] (the types the two share; dates and periods have no detail form). */
function detailOf(value: ObservationValue): Record<string, unknown> | undefined {
  if ('valueQuantity' in value) return { detailQuantity: value.valueQuantity };
  if ('valueRange' in value) return { detailRange: value.valueRange };
  if ('valueCodeableConcept' in value) return { detailCodeableConcept: value.valueCodeableConcept };
  if ('valueString' in value) return { detailString: value.valueString };
  if ('valueBoolean' in value) return { detailBoolean: value.valueBoolean };
  if ('valueInteger' in value) return { detailInteger: value.valueInteger };
  if ('valueRatio' in value) return { detailRatio: value.valueRatio };
  return undefined;
}

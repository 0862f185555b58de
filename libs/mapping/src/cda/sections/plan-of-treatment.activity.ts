import { child, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, periodOf } from '../cda-datatypes.js';
import { entryText } from './plan-of-treatment.entries.js';
import { actorsOf, isNegated, statusCodeOf } from './results.entries.js';

/**
 * A plan-of-treatment entry that is no request (an Instruction, a Handoff Communication, an
 * Intervention Act already done, any act in event mood) → CarePlan.activity.detail: code,
 * status through `act-status-to-care-plan-activity-status`, doNotPerform for a
 * negated act, the time as scheduledPeriod, performers and the narrative as description.
 */
export function activityDetailOf(act: XmlElement, ctx: CdaContext): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  const code = codeableConcept(child(act, 'code'), ctx);
  if (code) detail['code'] = code;
  // '' (no statusCode) gets the table's default (unknown): status is required.
  detail['status'] = ctx.tables.valueMap('act-status-to-care-plan-activity-status', statusCodeOf(act) ?? '') ?? 'unknown';
  if (isNegated(act)) detail['doNotPerform'] = true;
  const scheduled = periodOf(child(act, 'effectiveTime'));
  if (scheduled) detail['scheduledPeriod'] = scheduled;
  const performer = actorsOf(act, ctx, ['performer']);
  if (performer.length) detail['performer'] = performer;
  const description = entryText(act, ctx);
  if (description !== undefined) detail['description'] = description;
  return detail;
}

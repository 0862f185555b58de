import { attr, child, textOf, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { cleanString, codeableConcept, dateTimeOf } from '../cda-datatypes.js';
import type { CodeableConcept } from '../fhir-datatypes.model.js';
import { hasTemplate, related } from './results.entries.js';

/*
 * Entry plumbing shared by the plan-of-treatment, goals, health-concerns, functional/mental
 * status, family-history, medical-equipment and payers mappers (named after the first of them,
 * as the section folder asks). The generic walking (entries, templates, entryRelationships,
 * status, negation, actors) is in results.entries.ts.
 */

/**
 * C-CDA R2.1 entry templates (R1.1 shares the roots) these mappers look for. Planned entries are
 * told apart by element and moodCode, not template, so unlisted planned templates map too.
 */
export const PLAN_TEMPLATE = {
  plannedIntervention: '2.16.840.1.113883.10.20.22.4.146',
  interventionAct: '2.16.840.1.113883.10.20.22.4.131',
  instruction: '2.16.840.1.113883.10.20.22.4.20',
  indication: '2.16.840.1.113883.10.20.22.4.19',
  goalObservation: '2.16.840.1.113883.10.20.22.4.121',
  priorityPreference: '2.16.840.1.113883.10.20.22.4.143',
  entryReference: '2.16.840.1.113883.10.20.22.4.122',
  riskConcernAct: '2.16.840.1.113883.10.20.22.4.136',
  problemStatus: '2.16.840.1.113883.10.20.22.4.6',
  familyHistoryDeath: '2.16.840.1.113883.10.20.22.4.47',
  age: '2.16.840.1.113883.10.20.22.4.31',
  policyActivity: '2.16.840.1.113883.10.20.22.4.61',
  payerPerformer: '2.16.840.1.113883.10.20.22.4.87',
  guarantorPerformer: '2.16.840.1.113883.10.20.22.4.88',
  coveredParty: '2.16.840.1.113883.10.20.22.4.89',
  policyHolder: '2.16.840.1.113883.10.20.22.4.90',
} as const;

/** A FHIR `date` from a CDA TS: the date part of its dateTime (FHIR date has no time). */
export function dateOf(ts: XmlElement | undefined): string | undefined {
  const dt = dateTimeOf(ts);
  return dt === undefined ? undefined : dt.slice(0, 10);
}

/** The act's own `<text>`: the narrative it references by `#ID`, else its literal text. */
export function entryText(act: XmlElement, ctx: CdaContext): string | undefined {
  const text = child(act, 'text');
  if (!text) return undefined;
  const ref = attr(child(text, 'reference'), 'value');
  const referenced = ref !== undefined ? ctx.narrativeText(ref) : undefined;
  return referenced ?? cleanString(textOf(text).replace(/\s+/g, ' '));
}

/**
 * The act's code as a CodeableConcept, with the act's text (its narrative) as `text` when the code
 * has no originalText of its own; just the text when the code is null. Undefined when neither.
 */
export function codeWithText(act: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  const code = codeableConcept(child(act, 'code'), ctx);
  const text = entryText(act, ctx);
  if (!code) return text !== undefined ? { text } : undefined;
  if (code.text === undefined && text !== undefined) return { ...code, text };
  return code;
}

/** The values of the act's Priority Preference observations (SNOMED CT: high, normal, low priority). */
export function priorityPreferences(act: XmlElement, ctx: CdaContext): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  for (const r of related(act)) {
    if (r.name !== 'observation' || !hasTemplate(r, PLAN_TEMPLATE.priorityPreference)) continue;
    const cc = codeableConcept(child(r, 'value'), ctx);
    if (cc) out.push(cc);
  }
  return out;
}

/** The first `author/time` of the act (when it was recorded), as a FHIR dateTime. */
export function authoredOn(act: XmlElement): string | undefined {
  return dateTimeOf(child(child(act, 'author'), 'time'));
}

/** The act's moodCode (EVN when absent, as CDA defaults it). */
export function moodOf(act: XmlElement): string {
  return attr(act, 'moodCode')?.trim() || 'EVN';
}

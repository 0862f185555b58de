import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dateTimeOf, identifiers, periodOf } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { mapRiskAssessment } from './health-concerns.risk.js';
import { PLAN_TEMPLATE, codeWithText } from './plan-of-treatment.entries.js';
import {
  actorsOf,
  entryResourceId,
  hasTemplate,
  isNegated,
  related,
  sectionEntries,
  statusCodeOf,
  uniqueReferences,
} from './results.entries.js';

/** US Core's Condition category for a health concern (R4's own condition-category has no such code). */
const HEALTH_CONCERN = { coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/condition-category', code: 'health-concern' }] };

/**
 * Health Concerns section: each Health Concern Act (or Risk Concern Act) → one Condition per
 * observation it gathers (Problem Observations and the like, REFR/SPRT/SUBJ/COMP, priority
 * preferences aside): category health-concern (US Core), code = the observation's value (a
 * coded finding) else its code, clinicalStatus from a nested Problem Status (`problem-status`)
 * else the concern's statusCode (`concern-status-to-condition-clinical`), verificationStatus from
 * negationInd (`condition-verification`), onset/abatement = the observation's effectiveTime,
 * recordedDate = the concern's. A concern without observations (a negated "no known health
 * concerns" act, or a concern said in narrative only) → one Condition from the act itself. A Risk
 * Concern Act's observations are risks, not conditions: each → RiskAssessment.
 */
export const mapHealthConcernsSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'health-concerns')) {
    if (entry.act.name !== 'act') {
      ctx.warn('unsupported-entry', entry.path);
      continue;
    }
    const concern = entry.act;
    const map = hasTemplate(concern, PLAN_TEMPLATE.riskConcernAct) ? mapRiskAssessment : mapConcernCondition;
    const observations: XmlElement[] = [];
    for (const r of related(concern)) {
      if (r.name === 'observation') {
        if (!hasTemplate(r, PLAN_TEMPLATE.priorityPreference)) observations.push(r);
      } else if (!hasTemplate(r, PLAN_TEMPLATE.entryReference)) {
        // Entry References point at acts mapped elsewhere; other nested acts (a problem concern...) are not followed.
        ctx.warn('unsupported-entry', `${entry.path}/${r.name}`);
      }
    }
    if (!observations.length) {
      refs.push(map(concern, concern, ctx, entry.fallback));
      continue;
    }
    observations.forEach((obs, i) => refs.push(map(obs, concern, ctx, [...entry.fallback, String(i)])));
  }
  return uniqueReferences(refs);
};

/** One observation of a concern (or the concern act itself) → Condition. */
function mapConcernCondition(source: XmlElement, concern: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const code = conditionCode(source, ctx);
  const resource: FhirResource = {
    resourceType: 'Condition',
    id: entryResourceId('Condition', source, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(source, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  const negated = isNegated(source) || (source !== concern && isNegated(concern));
  const clinical = negated ? undefined : clinicalStatusOf(source, concern, ctx);
  if (clinical) resource['clinicalStatus'] = clinical;
  const verification = ctx.tables.valueMap('condition-verification', negated ? 'true' : 'false');
  const verificationSystem = ctx.tables.valueSystem('condition-verification');
  if (verification !== undefined) {
    const coding = verificationSystem !== undefined ? { system: verificationSystem, code: verification } : { code: verification };
    resource['verificationStatus'] = { coding: [coding] };
  }
  resource['category'] = [HEALTH_CONCERN];
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  if (source !== concern) {
    const when = periodOf(child(source, 'effectiveTime'));
    if (when?.start !== undefined) resource['onsetDateTime'] = when.start;
    if (when?.end !== undefined) resource['abatementDateTime'] = when.end;
  }
  const recorded = dateTimeOf(child(concern, 'effectiveTime'));
  if (recorded !== undefined) resource['recordedDate'] = recorded;
  const recorder = actorsOf(source, ctx, ['author'])[0] ?? actorsOf(concern, ctx, ['author'])[0];
  if (recorder) resource['recorder'] = recorder;
  return ctx.add(resource);
}

/**
 * The condition: a coded value (the finding asserted), with the narrative as text. An observation
 * with a value asks a question in its code ("Problem", "Assertion"), so when the value is not
 * coded only the narrative is kept; without a value the code is the finding itself.
 */
function conditionCode(obs: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  const own = codeWithText(obs, ctx);
  const value = child(obs, 'value');
  if (!value) return own;
  const coded = codeableConcept(value, ctx);
  if (coded && coded.coding) return coded.text === undefined && own?.text !== undefined ? { ...coded, text: own.text } : coded;
  const text = coded?.text ?? own?.text;
  return text !== undefined ? { text } : undefined;
}

/** clinicalStatus: the observation's Problem Status, else the concern act's statusCode. */
function clinicalStatusOf(obs: XmlElement, concern: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  let code: string | undefined;
  for (const r of related(obs)) {
    if (!hasTemplate(r, PLAN_TEMPLATE.problemStatus)) continue;
    code = ctx.tables.valueMap('problem-status', attr(child(r, 'value'), 'code')?.trim());
    if (code !== undefined) break;
  }
  code ??= ctx.tables.valueMap('concern-status-to-condition-clinical', statusCodeOf(concern));
  if (code === undefined) return undefined;
  const system = ctx.tables.valueSystem('concern-status-to-condition-clinical');
  return { coding: [system !== undefined ? { system, code } : { code }] };
}

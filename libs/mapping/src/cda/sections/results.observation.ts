import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import {
  codeableConcept,
  dataAbsentReason,
  effectiveOf,
  identifiers,
  observationValue,
  rangeOf,
  xsiType,
} from '../cda-datatypes.js';
import type { CodeableConcept, Coding, Period, Range, Reference } from '../fhir-datatypes.model.js';
import { actorsOf, addEntry, statusCodeOf, templateRoots } from './results.entries.js';

/** FHIR's observation category code system (laboratory, vital-signs, social-history...). */
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const DATA_ABSENT_REASON = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
/** HL7 v3 ActCode: `ASSERTION` there says nothing of what was observed; the template does. */
const ACT_CODE_OID = '2.16.840.1.113883.5.4';

/** What tells two observations apart when a sender gave them one `<id>`. */
const OBSERVATION_IDENTITY = [
  'code', 'effectiveDateTime', 'effectivePeriod', 'valueQuantity', 'valueCodeableConcept', 'valueString',
  'valueBoolean', 'valueInteger', 'valueRange', 'valueRatio', 'valueDateTime', 'valuePeriod', 'hasMember',
] as const;

/** An Observation's effective[x]. */
export interface Effective {
  effectiveDateTime?: string;
  effectivePeriod?: Period;
}

/** How {@link mapObservation} shapes one CDA observation. */
export interface ObservationOptions {
  /** observation-category code (`laboratory`, `vital-signs`, `social-history`), if any. */
  readonly category?: string;
  /** Fallback id parts when the observation has no usable `<id>`. */
  readonly fallback: readonly string[];
  /** effective[x] to use when the observation has none (its organizer's time). */
  readonly effectiveFallback?: Effective;
  /** Codings put first in Observation.code (a panel code, say). */
  readonly leadingCodings?: readonly Coding[];
  /** Members (organizer components): set hasMember, and no value nor dataAbsentReason is expected. */
  readonly hasMember?: readonly Reference[];
}

/** An Observation.category entry for an observation-category code. */
export function observationCategory(code: string): CodeableConcept {
  return { coding: [{ system: OBSERVATION_CATEGORY, code }] };
}

/** Observation.dataAbsentReason (a CodeableConcept, unlike the extension) for a missing or nullFlavored element. */
export function absentReasonConcept(element: XmlElement | undefined, ctx: CdaContext): CodeableConcept {
  const code = dataAbsentReason(element, ctx).valueCode ?? 'unknown';
  return { coding: [{ system: DATA_ABSENT_REASON, code }] };
}

/**
 * The code of an observation or organizer: its CD (translations, originalText) after any leading
 * codings; for an `ASSERTION`, the LOINC code its template stands for (observation-template-to-loinc)
 * first. Undefined when nothing usable.
 */
export function observationCode(
  act: XmlElement,
  ctx: CdaContext,
  leading: readonly Coding[] = [],
): CodeableConcept | undefined {
  const codeEl = child(act, 'code');
  const own = codeableConcept(codeEl, ctx);
  const codings: Coding[] = [...leading];
  if (attr(codeEl, 'code') === 'ASSERTION' && attr(codeEl, 'codeSystem') === ACT_CODE_OID) {
    for (const root of templateRoots(act)) {
      const loinc = ctx.tables.valueMap('observation-template-to-loinc', root);
      if (loinc === undefined) continue;
      const system = ctx.tables.valueSystem('observation-template-to-loinc');
      codings.push(system !== undefined ? { system, code: loinc } : { code: loinc });
      break;
    }
  }
  for (const c of own?.coding ?? []) if (!codings.some((x) => x.system === c.system && x.code === c.code)) codings.push(c);
  if (!codings.length && own?.text === undefined) return undefined;
  const out: CodeableConcept = {};
  if (codings.length) out.coding = codings;
  if (own?.text !== undefined) out.text = own.text;
  return out;
}

/**
 * One CDA observation (Result, Vital Sign, Social History, Smoking Status, Tobacco Use,
 * Pregnancy, Birth Sex... observation) → Observation: code (data-absent-reason when missing),
 * status via act-status-to-observation-status, category, subject, effective[x], performers
 * (performer and author), value[x] by xsi:type or dataAbsentReason, interpretation, method,
 * bodySite and referenceRange. Adds it to ctx and returns the reference.
 */
export function mapObservation(obs: XmlElement, ctx: CdaContext, options: ObservationOptions): Reference {
  const code = observationCode(obs, ctx, options.leadingCodings);
  const resource: FhirResource = {
    resourceType: 'Observation',
    id: '',
  };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default.
  resource['status'] = ctx.tables.valueMap('act-status-to-observation-status', statusCodeOf(obs) ?? '') ?? 'final';
  if (options.category !== undefined) resource['category'] = [observationCategory(options.category)];
  resource['code'] = code ?? { extension: [dataAbsentReason(child(obs, 'code'), ctx)] };
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(obs, 'effectiveTime'));
  const hasOwnTime = effective.effectiveDateTime !== undefined || effective.effectivePeriod !== undefined;
  Object.assign(resource, hasOwnTime ? effective : (options.effectiveFallback ?? {}));
  const performer = actorsOf(obs, ctx, ['performer', 'author']);
  if (performer.length) resource['performer'] = performer;

  const valueEl = child(obs, 'value');
  const value = observationValue(valueEl, ctx);
  if (value) Object.assign(resource, value);
  else if (!options.hasMember?.length) resource['dataAbsentReason'] = absentReasonConcept(valueEl, ctx);

  const interpretation = childrenNamed(obs, 'interpretationCode')
    .map((c) => codeableConcept(c, ctx))
    .filter((c): c is CodeableConcept => c !== undefined);
  if (interpretation.length) resource['interpretation'] = interpretation;
  const method = codeableConcept(child(obs, 'methodCode'), ctx);
  if (method) resource['method'] = method;
  const bodySite = codeableConcept(child(obs, 'targetSiteCode'), ctx);
  if (bodySite) resource['bodySite'] = bodySite;
  const ranges = referenceRanges(obs, ctx);
  if (ranges.length) resource['referenceRange'] = ranges;
  if (options.hasMember?.length) resource['hasMember'] = options.hasMember;
  return addEntry(resource, obs, ctx, options.fallback, OBSERVATION_IDENTITY);
}

interface ReferenceRange {
  low?: Range['low'];
  high?: Range['high'];
  text?: string;
}

/** referenceRange/observationRange: an IVL_PQ → low/high, else its text (or the narrative it points to). */
function referenceRanges(obs: XmlElement, ctx: CdaContext): ReferenceRange[] {
  const out: ReferenceRange[] = [];
  for (const rr of childrenNamed(obs, 'referenceRange')) {
    const range = child(rr, 'observationRange');
    if (!range) continue;
    const out1: ReferenceRange = {};
    const value = child(range, 'value');
    const type = xsiType(value);
    const r = type === 'IVL_PQ' || type === undefined ? rangeOf(value) : undefined;
    if (r?.low) out1.low = r.low;
    if (r?.high) out1.high = r.high;
    const textEl = child(range, 'text');
    const ref = attr(child(textEl, 'reference'), 'value');
    const text =
      (ref !== undefined ? ctx.narrativeText(ref) : undefined) ??
      (textOf(textEl) || undefined) ??
      (type === 'ST' ? textOf(value) || undefined : undefined);
    if (text !== undefined) out1.text = text;
    // obs-3: a range says at least a low, a high or a text.
    if (out1.low || out1.high || out1.text) out.push(out1);
  }
  return out;
}

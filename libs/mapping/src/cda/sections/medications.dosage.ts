import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, decimalOf, periodOf, quantityOf, rangeOf, ratioOf, xsiType } from '../cda-datatypes.js';
import { CLINICAL_TEMPLATE as T, relatedStatements, statementText } from './clinical-statement.helpers.js';

/** A FHIR Dosage, as plain JSON. */
export type Dosage = Record<string, unknown>;

/** The IVL_TS effectiveTime of a substanceAdministration (the one without a PIVL/EIVL type): when it is taken. */
export function administrationPeriod(sa: XmlElement): XmlElement | undefined {
  for (const e of childrenNamed(sa, 'effectiveTime')) {
    const type = xsiType(e);
    if (type === undefined || type === 'IVL_TS' || type === 'TS') return e;
  }
  return undefined;
}

/**
 * The Dosage of a Medication Activity: sig text, patient instruction, timing (bounds from the
 * IVL_TS, period from a PIVL_TS through `timing-unit`, event from an EIVL_TS), route, site, dose
 * (quantity or range), rate and maximum dose. Undefined when it says nothing.
 */
export function dosageOf(sa: XmlElement, ctx: CdaContext, withBounds: boolean): Dosage | undefined {
  const dosage: Dosage = {};
  const text = statementText(sa, ctx);
  if (text !== undefined) dosage['text'] = text;
  const instructions = relatedStatements(sa, [T.instruction])
    .map((i) => statementText(i, ctx) ?? codeableConcept(child(i, 'code'), ctx)?.text ?? codeableConcept(child(i, 'code'), ctx)?.coding?.[0]?.display)
    .filter((s): s is string => s !== undefined);
  if (instructions.length) dosage['patientInstruction'] = instructions.join('\n');
  const timing = timingOf(sa, ctx, withBounds);
  if (timing) dosage['timing'] = timing;
  const site = codeableConcept(child(sa, 'approachSiteCode'), ctx);
  if (site) dosage['site'] = site;
  const route = codeableConcept(child(sa, 'routeCode'), ctx);
  if (route) dosage['route'] = route;
  const doseAndRate: Record<string, unknown> = {};
  const doseEl = child(sa, 'doseQuantity');
  const dose = quantityOf(doseEl);
  if (dose) doseAndRate['doseQuantity'] = dose;
  else {
    const range = rangeOf(doseEl);
    if (range && (range.low || range.high)) doseAndRate['doseRange'] = range;
  }
  const rate = quantityOf(child(sa, 'rateQuantity'));
  if (rate) doseAndRate['rateQuantity'] = rate;
  if (Object.keys(doseAndRate).length) dosage['doseAndRate'] = [doseAndRate];
  const max = ratioOf(child(sa, 'maxDoseQuantity'));
  if (max?.numerator && max.denominator) dosage['maxDosePerPeriod'] = max;
  return Object.keys(dosage).length ? dosage : undefined;
}

function timingOf(sa: XmlElement, ctx: CdaContext, withBounds: boolean): Record<string, unknown> | undefined {
  const repeat: Record<string, unknown> = {};
  if (withBounds) {
    const bounds = periodOf(administrationPeriod(sa));
    if (bounds) repeat['boundsPeriod'] = bounds;
  }
  for (const e of childrenNamed(sa, 'effectiveTime')) {
    const type = xsiType(e);
    if (type === 'PIVL_TS') periodic(e, repeat, ctx);
    else if (type === 'EIVL_TS') {
      const event = attr(child(e, 'event'), 'code');
      const when = event !== undefined ? ctx.tables.valueMap('timing-event', event) : undefined;
      if (when !== undefined) repeat['when'] = [...((repeat['when'] as string[] | undefined) ?? []), when];
    }
  }
  return Object.keys(repeat).length ? { repeat } : undefined;
}

/** PIVL_TS period (a PQ or an IVL_PQ range) → repeat.period/periodMax/periodUnit, frequency 1. */
function periodic(pivl: XmlElement, repeat: Record<string, unknown>, ctx: CdaContext): void {
  const period = child(pivl, 'period');
  if (!period) return;
  const low = child(period, 'low');
  const high = child(period, 'high');
  const value = decimalOf(attr(low ?? period, 'value'));
  const unit = ctx.tables.valueMap('timing-unit', attr(low ?? period, 'unit') ?? '');
  if (value === undefined || unit === undefined || value <= 0) return;
  repeat['frequency'] = 1;
  repeat['period'] = value;
  const max = high ? decimalOf(attr(high, 'value')) : undefined;
  if (max !== undefined && max > value && (attr(high, 'unit') ?? attr(low, 'unit')) === attr(low, 'unit')) repeat['periodMax'] = max;
  repeat['periodUnit'] = unit;
}

import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import {
  codeableConcept,
  dataAbsentReason,
  effectiveOf,
  identifiers,
  organizationOf,
  quantityOf,
  type CodeableConcept,
  type Reference,
} from '../cda-datatypes.js';
import {
  CLINICAL_TEMPLATE as T,
  authorOf,
  findStatements,
  hasAnyTemplate,
  negated,
  relatedStatements,
  type FoundStatement,
} from './clinical-statement.helpers.js';
import { administrationPeriod, dosageOf } from './medications.dosage.js';
import type { SectionMapper } from './section-mapper.js';

const MEDICATION_TEMPLATES = [T.medicationActivity, T.medicationActivityCcd1];

/** A Medication Activity: templated, or any substanceAdministration (older or template-less senders). */
function isMedication(e: XmlElement): boolean {
  return e.name === 'substanceAdministration' && (hasAnyTemplate(e, MEDICATION_TEMPLATES) || child(e, 'templateId') === undefined);
}

/**
 * Medications (and admission / discharge / administered medications): each Medication Activity
 * (directly in the entry or inside a discharge/admission medication act) → MedicationStatement
 * when moodCode is EVN (taken), else MedicationRequest (intended, requested, proposed); the drug
 * is a Medication resource.
 */
export const mapMedicationsSection: SectionMapper = (section, ctx) =>
  findStatements(section, 'medications', isMedication).map((found) => mapMedicationActivity(found, ctx));

/** One Medication Activity → MedicationStatement (EVN) or MedicationRequest. */
export function mapMedicationActivity(found: FoundStatement, ctx: CdaContext): Reference {
  const sa = found.element;
  const mood = attr(sa, 'moodCode') ?? 'EVN';
  return mood === 'EVN' ? statementOf(found, ctx) : requestOf(found, mood, ctx);
}

function statementOf(found: FoundStatement, ctx: CdaContext): Reference {
  const sa = found.element;
  const r: FhirResource = { resourceType: 'MedicationStatement', id: ctx.entryId('MedicationStatement', sa, ...found.fallback) };
  const identifier = identifiers(childrenNamed(sa, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;
  r['status'] = negated(sa) ? 'not-taken' : (ctx.tables.valueMap('medication-statement-status', statusOf(sa)) ?? 'unknown');
  Object.assign(r, medicationOf(sa, found, ctx));
  r['subject'] = ctx.patient;
  const effective = effectiveOf(administrationPeriod(sa));
  if (effective.effectiveDateTime !== undefined) r['effectiveDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) r['effectivePeriod'] = effective.effectivePeriod;
  const author = authorOf(sa, ctx);
  if (author.time !== undefined) r['dateAsserted'] = author.time;
  if (author.reference) r['informationSource'] = author.reference;
  const reason = reasonsOf(sa, ctx);
  if (reason.length) r['reasonCode'] = reason;
  const dosage = dosageOf(sa, ctx, false);
  if (dosage) r['dosage'] = [dosage];
  return ctx.add(r);
}

function requestOf(found: FoundStatement, mood: string, ctx: CdaContext): Reference {
  const sa = found.element;
  const r: FhirResource = { resourceType: 'MedicationRequest', id: ctx.entryId('MedicationRequest', sa, ...found.fallback) };
  const identifier = identifiers(childrenNamed(sa, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;
  r['status'] = ctx.tables.valueMap('medication-request-status', statusOf(sa)) ?? 'unknown';
  r['intent'] = ctx.tables.valueMap('medication-request-intent', mood) ?? 'order';
  if (negated(sa)) r['doNotPerform'] = true;
  Object.assign(r, medicationOf(sa, found, ctx));
  r['subject'] = ctx.patient;
  const author = authorOf(sa, ctx);
  if (author.time !== undefined) r['authoredOn'] = author.time;
  if (author.reference) r['requester'] = author.reference;
  const reason = reasonsOf(sa, ctx);
  if (reason.length) r['reasonCode'] = reason;
  const dosage = dosageOf(sa, ctx, true);
  if (dosage) r['dosageInstruction'] = [dosage];
  const dispense = dispenseRequestOf(sa);
  if (dispense) r['dispenseRequest'] = dispense;
  return ctx.add(r);
}

/** statusCode, '' when absent (the tables' default then applies). */
function statusOf(sa: XmlElement): string {
  return attr(child(sa, 'statusCode'), 'code') ?? '';
}

/**
 * medicationReference to a Medication (code from manufacturedMaterial, lot number, form,
 * manufacturer), its id from the manufacturedProduct's id and the drug code (the same drug in
 * several entries is one Medication). With no code and no text: a data-absent
 * medicationCodeableConcept.
 */
function medicationOf(sa: XmlElement, found: FoundStatement, ctx: CdaContext): Record<string, unknown> {
  const product = child(child(sa, 'consumable'), 'manufacturedProduct');
  const material = child(product, 'manufacturedMaterial');
  const codeEl = child(material, 'code');
  const code = codeableConcept(codeEl, ctx) ?? textConcept(textOf(child(material, 'name')));
  if (!code) {
    ctx.warn('medication-uncoded', found.path);
    return { medicationCodeableConcept: { extension: [dataAbsentReason(codeEl, ctx)] } };
  }
  // Senders copy product ids between drugs: the drug code is part of the id, so one id never names two drugs.
  const productId = childrenNamed(product, 'id').find((i) => attr(i, 'root') !== undefined && attr(i, 'nullFlavor') === undefined);
  const id = ctx.id('Medication', attr(productId, 'root') ?? '', attr(productId, 'extension') ?? '', JSON.stringify(code));
  const medication: FhirResource = { resourceType: 'Medication', id };
  const identifier = identifiers(childrenNamed(product, 'id'), ctx);
  if (identifier.length) medication['identifier'] = identifier;
  medication['code'] = code;
  const manufacturer = organizationOf(child(product, 'manufacturerOrganization'), ctx);
  if (manufacturer) medication['manufacturer'] = manufacturer;
  const form = codeableConcept(child(sa, 'administrationUnitCode'), ctx);
  if (form) medication['form'] = form;
  const lot = textOf(child(material, 'lotNumberText'));
  if (lot) medication['batch'] = { lotNumber: lot };
  return { medicationReference: ctx.add(medication) };
}

/** Indications (RSON): the observation's value, else its code. */
function reasonsOf(sa: XmlElement, ctx: CdaContext): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  for (const ind of relatedStatements(sa, [T.indication])) {
    const reason = codeableConcept(child(ind, 'value'), ctx) ?? codeableConcept(child(ind, 'code'), ctx);
    if (reason) out.push(reason);
  }
  return out;
}

/** Medication Supply Order: quantity and fills (repeatNumber counts fills; FHIR counts refills). */
function dispenseRequestOf(sa: XmlElement): Record<string, unknown> | undefined {
  const supply = relatedStatements(sa, [T.supplyOrder])[0];
  if (!supply) return undefined;
  const out: Record<string, unknown> = {};
  const fills = Number(attr(child(supply, 'repeatNumber'), 'value'));
  if (Number.isInteger(fills) && fills >= 1) out['numberOfRepeatsAllowed'] = fills - 1;
  const quantity = quantityOf(child(supply, 'quantity'));
  if (quantity) out['quantity'] = quantity;
  return Object.keys(out).length ? out : undefined;
}

function textConcept(text: string): CodeableConcept | undefined {
  return text ? { text } : undefined;
}

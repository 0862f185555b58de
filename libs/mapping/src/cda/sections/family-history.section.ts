import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { cleanString, codeableConcept, dataAbsentReason, identifiers, periodOf, quantityOf } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { PLAN_TEMPLATE, dateOf, entryText } from './plan-of-treatment.entries.js';
import { entryResourceId, hasTemplate, related, sectionEntries, statusCodeOf, uniqueReferences } from './results.entries.js';

/**
 * Family History section: each Family History Organizer → FamilyMemberHistory: status through
 * `family-history-status`, relationship = relatedSubject/code (v3 RoleCode, data-absent-reason
 * when missing), sex through `administrative-gender`, bornDate, deceased (sdtc:deceasedInd /
 * deceasedTime, or a Family History Death Observation), name; one condition per Family History
 * Observation: code = its value, onsetAge from the Age Observation (else onsetPeriod from its
 * time), contributedToDeath and outcome from the Death Observation. A Family History Observation
 * straight under an entry (R1.1) → a FamilyMemberHistory of an unknown relative.
 */
export const mapFamilyHistorySection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'family-history')) {
    if (entry.act.name === 'organizer') {
      const observations = childrenNamed(entry.act, 'component').map((c) => child(c, 'observation')).filter((o) => o !== undefined);
      refs.push(mapFamilyMember(entry.act, observations, ctx, entry.fallback));
    } else if (entry.act.name === 'observation') refs.push(mapFamilyMember(entry.act, [entry.act], ctx, entry.fallback));
    else ctx.warn('unsupported-entry', entry.path);
  }
  return uniqueReferences(refs);
};

function mapFamilyMember(source: XmlElement, observations: readonly XmlElement[], ctx: CdaContext, fallback: readonly string[]): Reference {
  const relatedSubject = source.name === 'organizer' ? child(child(source, 'subject'), 'relatedSubject') : undefined;
  const person = child(relatedSubject, 'subject');
  const relationshipCode = child(relatedSubject, 'code');
  const relationship: CodeableConcept = codeableConcept(relationshipCode, ctx) ?? { extension: [dataAbsentReason(relationshipCode, ctx)] };
  const resource: FhirResource = {
    resourceType: 'FamilyMemberHistory',
    id: entryResourceId('FamilyMemberHistory', source, ctx, fallback, { field: 'relationship', value: relationship }),
  };
  const identifier = identifiers(childrenNamed(source, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = ctx.tables.valueMap('family-history-status', statusCodeOf(source) ?? '') ?? 'completed';
  resource['patient'] = ctx.patient;
  const name = cleanString(textOf(child(person, 'name')));
  if (name !== undefined) resource['name'] = name;
  resource['relationship'] = relationship;
  const sex = sexOf(person, ctx);
  if (sex) resource['sex'] = sex;
  const born = dateOf(child(person, 'birthTime'));
  if (born !== undefined) resource['bornDate'] = born;
  const conditions = observations.map((o) => conditionOf(o, ctx));
  const deceased = deceasedOf(person, conditions.some((c) => c['contributedToDeath'] === true));
  if (deceased) Object.assign(resource, deceased);
  if (conditions.length) resource['condition'] = conditions;
  return ctx.add(resource);
}

/** administrativeGenderCode through `administrative-gender` (FamilyMemberHistory.sex is a CodeableConcept). */
function sexOf(person: XmlElement | undefined, ctx: CdaContext): CodeableConcept | undefined {
  const code = ctx.tables.valueMap('administrative-gender', attr(child(person, 'administrativeGenderCode'), 'code')?.trim());
  if (code === undefined) return undefined;
  const system = ctx.tables.valueSystem('administrative-gender');
  return { coding: [system !== undefined ? { system, code } : { code }] };
}

/** deceased[x]: sdtc:deceasedTime → deceasedDate, sdtc:deceasedInd or a death observation → deceasedBoolean. */
function deceasedOf(person: XmlElement | undefined, diedOfCondition: boolean): Record<string, unknown> | undefined {
  const time = dateOf(sdtcChild(person, 'deceasedTime'));
  if (time !== undefined) return { deceasedDate: time };
  const ind = attr(sdtcChild(person, 'deceasedInd'), 'value')?.trim();
  if (ind === 'true' || ind === 'false') return { deceasedBoolean: ind === 'true' };
  return diedOfCondition ? { deceasedBoolean: true } : undefined;
}

/** A child in the sdtc extension namespace, whatever prefix the document gave it. */
function sdtcChild(element: XmlElement | undefined, local: string): XmlElement | undefined {
  return element?.children.find((c) => c.name.endsWith(`:${local}`));
}

/** A Family History Observation → FamilyMemberHistory.condition (code required: data-absent-reason when the value is null). */
function conditionOf(obs: XmlElement, ctx: CdaContext): Record<string, unknown> {
  const value = child(obs, 'value');
  const text = entryText(obs, ctx);
  const coded = codeableConcept(value, ctx);
  let code: CodeableConcept;
  if (coded) code = coded.text === undefined && text !== undefined && coded.coding ? { ...coded, text } : coded;
  else code = text !== undefined ? { text } : { extension: [dataAbsentReason(value, ctx)] };
  const condition: Record<string, unknown> = { code };
  const death = related(obs, 'CAUS').find((r) => hasTemplate(r, PLAN_TEMPLATE.familyHistoryDeath));
  if (death) {
    const outcome = codeableConcept(child(death, 'value'), ctx);
    if (outcome) condition['outcome'] = outcome;
    condition['contributedToDeath'] = true;
  }
  const age = ageAtOnset(obs);
  if (age) condition['onsetAge'] = age;
  else {
    const onset = periodOf(child(obs, 'effectiveTime'));
    if (onset) condition['onsetPeriod'] = onset;
  }
  return condition;
}

/** The Age Observation (SUBJ, inverted) → Age: a UCUM time unit is required with a value (age-1). */
function ageAtOnset(obs: XmlElement): Record<string, unknown> | undefined {
  for (const r of related(obs, 'SUBJ')) {
    if (!hasTemplate(r, PLAN_TEMPLATE.age)) continue;
    const q = quantityOf(child(r, 'value'));
    if (q?.code !== undefined) return { ...q };
  }
  return undefined;
}

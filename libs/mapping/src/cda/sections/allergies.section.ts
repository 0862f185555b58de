import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dateTimeOf, identifiers, type CodeableConcept, type Reference } from '../cda-datatypes.js';
import {
  CLINICAL_TEMPLATE as T,
  authorOf,
  findStatements,
  hasAnyTemplate,
  negated,
  relatedStatements,
  statementText,
  type FoundStatement,
} from './clinical-statement.helpers.js';
import type { SectionMapper } from './section-mapper.js';

const ALLERGY_TEMPLATES = [T.allergyObservation, T.allergyObservationCcd1];

function isAllergy(e: XmlElement): boolean {
  return e.name === 'observation' && hasAnyTemplate(e, ALLERGY_TEMPLATES);
}

/** Allergies and intolerances: an AllergyIntolerance per Allergy - Intolerance Observation (in its concern act or alone). */
export const mapAllergiesSection: SectionMapper = (section, ctx) =>
  findStatements(section, 'allergies', isAllergy).map((found) => mapAllergyObservation(found, ctx));

/**
 * One Allergy - Intolerance Observation → AllergyIntolerance: the substance (participant
 * playingEntity code) as code, type and category from the observation's value, clinical status
 * from the Allergy Status observation or the concern act, criticality, reactions with
 * manifestation and severity. A negated observation without a substance ("no known allergies")
 * becomes the matching SNOMED "no known ..." code (`no-known-allergy`), confirmed.
 */
export function mapAllergyObservation(found: FoundStatement, ctx: CdaContext): Reference {
  const obs = found.element;
  const r: FhirResource = { resourceType: 'AllergyIntolerance', id: ctx.entryId('AllergyIntolerance', obs, ...found.fallback) };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;

  const typeCode = attr(child(obs, 'value'), 'code');
  const substance = substanceOf(obs, ctx);
  const isNegated = negated(obs);
  const codings = substance?.coding ?? [];
  const unspecified = !substance || (codings.length > 0 && codings.every((c) => ctx.tables.valueMap('unspecified-allergy-substance', c.code) !== undefined));
  const noKnown = isNegated && unspecified ? ctx.tables.valueMap('no-known-allergy', typeCode ?? '') : undefined;

  r['clinicalStatus'] = concept(ctx.tables.valueSystem('allergy-status'), clinicalStatus(found, ctx));
  const verification = ctx.tables.valueMap('allergy-verification', String(isNegated && noKnown === undefined));
  if (verification !== undefined) r['verificationStatus'] = concept(ctx.tables.valueSystem('allergy-verification'), verification);
  const type = ctx.tables.valueMap('allergy-type', typeCode ?? '');
  if (type !== undefined) r['type'] = type;
  const category = ctx.tables.valueMap('allergy-category', typeCode ?? '');
  if (category !== undefined) r['category'] = [category];
  const criticality = ctx.tables.valueMap('allergy-criticality', attr(child(relatedStatements(obs, [T.criticality])[0], 'value'), 'code'));
  if (criticality !== undefined) r['criticality'] = criticality;

  if (noKnown !== undefined) r['code'] = concept(ctx.tables.valueSystem('no-known-allergy'), noKnown);
  else if (substance) r['code'] = substance;
  else {
    const text = statementText(obs, ctx);
    if (text !== undefined) r['code'] = { text };
  }
  r['patient'] = ctx.patient;
  const onset = dateTimeOf(child(obs, 'effectiveTime'));
  if (onset !== undefined) r['onsetDateTime'] = onset;
  const author = authorOf(obs, ctx);
  const concernAuthor = found.container !== obs ? authorOf(found.container, ctx) : {};
  const recorded = author.time ?? concernAuthor.time;
  if (recorded !== undefined) r['recordedDate'] = recorded;
  const recorder = author.reference ?? concernAuthor.reference;
  if (recorder) r['recorder'] = recorder;
  const reaction = reactions(obs, ctx);
  if (reaction.length) r['reaction'] = reaction;
  return ctx.add(r);
}

/** The substance: participant[CSM]/participantRole/playingEntity/code (its originalText or name when uncoded). */
function substanceOf(obs: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  for (const p of childrenNamed(obs, 'participant')) {
    const entity = child(child(p, 'participantRole'), 'playingEntity');
    if (!entity) continue;
    const cc = codeableConcept(child(entity, 'code'), ctx);
    if (cc) return cc;
    const text = textOf(child(entity, 'name'));
    if (text) return { text };
  }
  return undefined;
}

/** Allergy Status observation (`allergy-status`), else the concern act's statusCode, else active. */
function clinicalStatus(found: FoundStatement, ctx: CdaContext): string {
  const statusObs = relatedStatements(found.element, [T.allergyStatus])[0];
  const fromStatus = ctx.tables.valueMap('allergy-status', attr(child(statusObs, 'value'), 'code'));
  if (fromStatus !== undefined) return fromStatus;
  const fromConcern =
    found.container !== found.element
      ? ctx.tables.valueMap('concern-status-to-allergy-clinical', attr(child(found.container, 'statusCode'), 'code'))
      : undefined;
  if (fromConcern !== undefined) return fromConcern;
  // ait-1: clinicalStatus is required; an allergy listed without a status is taken as current.
  ctx.warn('allergy-status-assumed', found.path);
  return 'active';
}

/** Reaction observations: manifestation (required) and severity (the reaction's, else the allergy's own). */
function reactions(obs: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const allergySeverity = ctx.tables.valueMap('reaction-severity', attr(child(relatedStatements(obs, [T.severity])[0], 'value'), 'code'));
  const out: Record<string, unknown>[] = [];
  for (const reaction of relatedStatements(obs, [T.reaction])) {
    const manifestation = codeableConcept(child(reaction, 'value'), ctx) ?? textConcept(statementText(reaction, ctx));
    if (!manifestation) continue;
    const entry: Record<string, unknown> = { manifestation: [manifestation] };
    const onset = dateTimeOf(child(reaction, 'effectiveTime'));
    if (onset !== undefined) entry['onset'] = onset;
    const severity =
      ctx.tables.valueMap('reaction-severity', attr(child(relatedStatements(reaction, [T.severity])[0], 'value'), 'code')) ?? allergySeverity;
    if (severity !== undefined) entry['severity'] = severity;
    out.push(entry);
  }
  return out;
}

function textConcept(text: string | undefined): CodeableConcept | undefined {
  return text !== undefined ? { text } : undefined;
}

function concept(system: string | undefined, code: string): CodeableConcept {
  return { coding: [system !== undefined ? { system, code } : { code }] };
}


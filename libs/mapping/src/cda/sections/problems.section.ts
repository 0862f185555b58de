import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import {
  codeableConcept,
  dataAbsentReason,
  dateTimeOf,
  identifiers,
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
  statementText,
  type FoundStatement,
} from './clinical-statement.helpers.js';
import type { SectionMapper } from './section-mapper.js';

const PROBLEM_TEMPLATES = [T.problemObservation, T.problemObservationCcd1];
const LOINC_OID = '2.16.840.1.113883.6.1';
/** Condition.clinicalStatus values that allow an abatement (con-4). */
const ABATED = new Set(['inactive', 'resolved', 'remission']);

/** A problem observation: templated, or (in a section of problems) any observation with a value. */
function isProblem(e: XmlElement): boolean {
  if (e.name !== 'observation') return false;
  return hasAnyTemplate(e, PROBLEM_TEMPLATES) || (child(e, 'templateId') === undefined && child(e, 'value') !== undefined);
}

/**
 * Problems (and the diagnosis sections: discharge, admission, pre/postoperative, complications,
 * past medical history): a Condition per Problem Observation, whether directly in the entry or
 * inside a Problem Concern Act. Category from the section's LOINC code (`condition-category`).
 */
export const mapProblemsSection: SectionMapper = (section, ctx) => {
  const code = child(section, 'code');
  const sectionLoinc = attr(code, 'codeSystem') === LOINC_OID ? attr(code, 'code') : undefined;
  const category = ctx.tables.valueMap('condition-category', sectionLoinc ?? '');
  return findStatements(section, 'problems', isProblem).map((found) => mapProblemObservation(found, category, ctx));
};

/** One Problem Observation → Condition (exported for the other sections that hold problems). */
export function mapProblemObservation(found: FoundStatement, category: string | undefined, ctx: CdaContext): Reference {
  const obs = found.element;
  const r: FhirResource = { resourceType: 'Condition', id: ctx.entryId('Condition', obs, ...found.fallback) };
  const identifier = identifiers(childrenNamed(obs, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;

  const effective = child(obs, 'effectiveTime');
  const onset = dateTimeOf(effective);
  const abatement = dateTimeOf(child(effective, 'high'));
  const status = clinicalStatus(found, abatement !== undefined, ctx);
  const isNegated = negated(obs);
  if (status) r['clinicalStatus'] = status.concept;
  const verification = ctx.tables.valueMap('condition-verification', String(isNegated));
  if (verification !== undefined) r['verificationStatus'] = concept(ctx.tables.valueSystem('condition-verification'), verification);

  const categories: CodeableConcept[] = [];
  if (category !== undefined) categories.push(concept(ctx.tables.valueSystem('condition-category'), category));
  const problemType = codeableConcept(child(obs, 'code'), ctx);
  if (problemType?.coding?.some((c) => c.code !== 'ASSERTION')) categories.push(problemType);
  if (categories.length) r['category'] = categories;
  const severity = relatedStatements(obs, [T.severity])[0];
  const severityConcept = codeableConcept(child(severity, 'value'), ctx);
  if (severityConcept) r['severity'] = severityConcept;

  r['code'] = problemCode(obs, ctx);
  r['subject'] = ctx.patient;
  if (category === 'encounter-diagnosis' && ctx.encounter) r['encounter'] = ctx.encounter;
  if (onset !== undefined) r['onsetDateTime'] = onset;
  else {
    const age = quantityOf(child(relatedStatements(obs, [T.ageObservation])[0], 'value'));
    if (age) r['onsetAge'] = age;
  }
  if (abatement !== undefined) {
    if (status && !ABATED.has(status.code)) ctx.warn('condition-status-conflict', found.path);
    else r['abatementDateTime'] = abatement;
  }
  const author = authorOf(obs, ctx);
  const concernAuthor = found.container !== obs ? authorOf(found.container, ctx) : {};
  const recorded = author.time ?? concernAuthor.time;
  if (recorded !== undefined) r['recordedDate'] = recorded;
  const recorder = author.reference ?? concernAuthor.reference;
  if (recorder) r['recorder'] = recorder;
  return ctx.add(r);
}

/** The problem itself (the observation's value), its narrative text when uncoded, else data-absent. */
function problemCode(obs: XmlElement, ctx: CdaContext): CodeableConcept {
  const value = child(obs, 'value');
  const cc = codeableConcept(value, ctx);
  const text = statementText(obs, ctx);
  if (cc) {
    if (cc.text === undefined && !cc.coding?.length && text !== undefined) cc.text = text;
    return cc;
  }
  if (text !== undefined) return { text };
  return { extension: [dataAbsentReason(value, ctx)] };
}

/**
 * clinicalStatus: the Problem Status observation (`problem-status`), else a resolution date
 * (resolved), else the concern act's statusCode (`concern-status-to-condition-clinical`).
 */
function clinicalStatus(found: FoundStatement, hasAbatement: boolean, ctx: CdaContext): { code: string; concept: CodeableConcept } | undefined {
  const system = ctx.tables.valueSystem('problem-status');
  const statusObs = relatedStatements(found.element, [T.problemStatus])[0];
  let code = ctx.tables.valueMap('problem-status', attr(child(statusObs, 'value'), 'code'));
  if (code === undefined && hasAbatement) code = 'resolved';
  if (code === undefined && found.container !== found.element) {
    code = ctx.tables.valueMap('concern-status-to-condition-clinical', attr(child(found.container, 'statusCode'), 'code'));
  }
  return code !== undefined ? { code, concept: concept(system, code) } : undefined;
}

function concept(system: string | undefined, code: string): CodeableConcept {
  return { coding: [system !== undefined ? { system, code } : { code }] };
}

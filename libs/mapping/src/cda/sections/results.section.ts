import { attr, child, childrenNamed } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { dataAbsentReason, effectiveOf, identifiers } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { actorsOf, addEntry, sectionEntries, statusCodeOf, uniqueReferences, type SectionEntry } from './results.entries.js';
import { mapObservation, observationCode } from './results.observation.js';

/**
 * Results section: each Result Organizer → DiagnosticReport (code, status, category, effective[x],
 * performers, result → its Result Observations) and each Result Observation → Observation (the
 * organizer's category mapped to an observation category, its time when the observation has
 * none); a Result Observation straight under an entry → Observation. Returns the reports and lone
 * observations.
 */
export const mapResultsSection: SectionMapper = (section, ctx) => {
  const refs: Reference[] = [];
  for (const entry of sectionEntries(section, 'results')) {
    if (entry.act.name === 'organizer') refs.push(mapResultOrganizer(entry, ctx));
    else if (entry.act.name === 'observation') {
      refs.push(mapObservation(entry.act, ctx, { category: observationCategoryFor('LAB', ctx), fallback: entry.fallback }));
    } else ctx.warn('unsupported-entry', entry.path);
  }
  return uniqueReferences(refs);
};

function mapResultOrganizer(entry: SectionEntry, ctx: CdaContext): Reference {
  const org = entry.act;
  const code = observationCode(org, ctx);
  const reportCategory = ctx.tables.valueMap('result-code-to-report-category', attr(child(org, 'code'), 'code') ?? '');
  const memberCategory = reportCategory !== undefined ? observationCategoryFor(reportCategory, ctx) : undefined;
  const effective = effectiveOf(child(org, 'effectiveTime'));

  const result: Reference[] = [];
  childrenNamed(org, 'component').forEach((component, i) => {
    const obs = child(component, 'observation');
    if (!obs) {
      if (component.children.length) ctx.warn('unsupported-entry', `${entry.path}/component[${i}]`);
      return;
    }
    result.push(
      mapObservation(obs, ctx, {
        category: memberCategory,
        fallback: [...entry.fallback, String(i)],
        effectiveFallback: effective,
      }),
    );
  });

  const report: FhirResource = {
    resourceType: 'DiagnosticReport',
    id: '',
  };
  const identifier = identifiers(childrenNamed(org, 'id'), ctx);
  if (identifier.length) report['identifier'] = identifier;
  // '' (no statusCode) gets the table's default.
  report['status'] = ctx.tables.valueMap('act-status-to-diagnostic-report-status', statusCodeOf(org) ?? '') ?? 'unknown';
  if (reportCategory !== undefined) report['category'] = [reportCategoryConcept(reportCategory, ctx)];
  report['code'] = code ?? { extension: [dataAbsentReason(child(org, 'code'), ctx)] };
  report['subject'] = ctx.patient;
  Object.assign(report, effective);
  const performer = actorsOf(org, ctx, ['performer', 'author']);
  if (performer.length) report['performer'] = performer;
  const members = uniqueReferences(result);
  if (members.length) report['result'] = members;
  return addEntry(report, org, ctx, entry.fallback, ['code', 'effectiveDateTime', 'effectivePeriod', 'result']);
}

function reportCategoryConcept(code: string, ctx: CdaContext): CodeableConcept {
  const system = ctx.tables.valueSystem('result-code-to-report-category');
  return { coding: [system !== undefined ? { system, code } : { code }] };
}

/** The observation category for a report category (LAB → laboratory...), if the table has one. */
function observationCategoryFor(reportCategory: string, ctx: CdaContext): string | undefined {
  return ctx.tables.valueMap('report-category-to-observation-category', reportCategory);
}

import { describe, expect, it } from 'vitest';
import { child } from '@hie/cda';
import { mapSocialHistorySection } from './social-history.section.js';
import {
  carriesCode,
  danglingReferences,
  entryActs,
  isCoded,
  mapCorpusSections,
  mapInlineEntry,
  resolve,
  resourcesOf,
  validationErrors,
} from './results.spec-helpers.js';

const mapped = mapCorpusSections('social-history', mapSocialHistorySection);
const SOCIAL_HISTORY = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }];

function byCode(code: string) {
  return mapped.flatMap((m) => resourcesOf(m.ctx, 'Observation')).filter((o) => JSON.stringify(o['code']).includes(`"${code}"`));
}

describe('social history section over the corpus', () => {
  it('finds smoking status, tobacco use, birth sex and other social history in the corpus', () => {
    expect(byCode('72166-2').length).toBeGreaterThanOrEqual(8);
    expect(byCode('11367-0').length).toBeGreaterThanOrEqual(1);
    expect(byCode('76689-9').length).toBeGreaterThanOrEqual(2);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('gives every observation an Observation with its code, category social-history and a value or reason', () => {
        const acts = entryActs(m.section);
        expect(m.refs.length).toBe(acts.length);
        acts.forEach((act, i) => {
          const o = resolve(m.ctx, m.refs[i]);
          expect(o.resourceType).toBe('Observation');
          if (isCoded(child(act, 'code'))) expect(carriesCode(o['code'], child(act, 'code'), m.ctx)).toBe(true);
          expect(o['category']).toEqual(SOCIAL_HISTORY);
          expect(Object.keys(o).some((k) => k.startsWith('value') || k === 'dataAbsentReason')).toBe(true);
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }

  it('keeps smoking status as a SNOMED CT value and tobacco use with its period', () => {
    const smoking = byCode('72166-2').find((o) => JSON.stringify(o['valueCodeableConcept']).includes('8517006'))!;
    expect(smoking['valueCodeableConcept']).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '8517006', display: 'Former smoker' }] });
    const tobacco = byCode('11367-0')[0]!;
    expect(tobacco['effectivePeriod']).toEqual({ start: '2009-02-14', end: '2011-02-15' });
  });
});

describe('social history section, focused cases', () => {
  it('leads a pregnancy ASSERTION with LOINC 82810-3 and gives an unknown birth sex a dataAbsentReason', () => {
    const { refs, ctx } = mapInlineEntry(
      mapSocialHistorySection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.15.3.8"/>
        <code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/><statusCode code="completed"/><effectiveTime value="20200301"/>
        <value xsi:type="CD" code="77386006" codeSystem="2.16.840.1.113883.6.96" displayName="Pregnant"/></observation>`,
    );
    const pregnancy = resolve(ctx, refs[0]);
    expect(pregnancy['code']).toEqual({
      coding: [
        { system: 'http://loinc.org', code: '82810-3' },
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'ASSERTION' },
      ],
    });
    expect(validationErrors(ctx)).toEqual([]);

    const sex = mapInlineEntry(
      mapSocialHistorySection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.200"/>
        <code code="76689-9" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="completed"/>
        <value xsi:type="CD" codeSystem="2.16.840.1.113883.5.1" nullFlavor="UNK"/></observation>`,
    );
    const birthSex = resolve(sex.ctx, sex.refs[0]);
    expect(birthSex['dataAbsentReason']).toEqual({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }],
    });
    expect(birthSex['valueCodeableConcept']).toBeUndefined();
    expect(validationErrors(sex.ctx)).toEqual([]);
  });

  it('skips (with a warning) an entry that is not an observation', () => {
    const { refs, ctx } = mapInlineEntry(mapSocialHistorySection, `<act classCode="ACT" moodCode="EVN"><code code="x" codeSystem="1.2.3"/></act>`);
    expect(refs).toEqual([]);
    expect(ctx.issues.map((i) => i.diagnostics)).toEqual(['unsupported-entry at social-history/entry[0]/act']);
  });
});

import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapFamilyHistorySection } from './family-history.section.js';
import {
  carriesCode,
  componentObservations,
  danglingReferences,
  entryActs,
  mapCorpusSections,
  mapInlineEntry,
  resolve,
  validationErrors,
} from './results.spec-helpers.js';

const mapped = mapCorpusSections('family-history', mapFamilyHistorySection);

describe('family history section over the corpus', () => {
  it('finds family histories in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(5);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes each organizer a FamilyMemberHistory: relationship, sex, and one coded condition per observation', () => {
        const acts = entryActs(m.section);
        expect(m.refs).toHaveLength(acts.length);
        acts.forEach((org, i) => {
          const fmh = resolve(m.ctx, m.refs[i]);
          expect(fmh).toMatchObject({ resourceType: 'FamilyMemberHistory', status: 'completed', patient: m.ctx.patient });
          const relatedSubject = child(child(org, 'subject'), 'relatedSubject');
          expect(carriesCode(fmh['relationship'], child(relatedSubject, 'code'), m.ctx)).toBe(true);
          if (attr(child(child(relatedSubject, 'subject'), 'administrativeGenderCode'), 'code') === 'M') {
            expect(fmh['sex']).toEqual({ coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] });
          }
          const conditions = fmh['condition'] as Record<string, unknown>[];
          const observations = componentObservations(org);
          expect(conditions).toHaveLength(observations.length);
          observations.forEach((obs, j) => expect(carriesCode(conditions[j]!['code'], child(obs, 'value'), m.ctx)).toBe(true));
          // Every corpus family history gives an age at onset and one condition that caused death.
          expect(conditions.every((c) => (c['onsetAge'] as { system?: string } | undefined)?.system === 'http://unitsofmeasure.org')).toBe(true);
          expect(conditions.filter((c) => c['contributedToDeath'] === true)).toHaveLength(1);
          expect(fmh['deceasedBoolean']).toBe(true);
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('family history section, focused cases', () => {
  it('reads sdtc deceased time and birth time at date precision, and onset from the observation time without an age', () => {
    const { refs, ctx } = mapInlineEntry(
      mapFamilyHistorySection,
      `<organizer classCode="CLUSTER" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.45"/><id root="1.2.3" extension="fh"/>
        <statusCode code="completed"/>
        <subject><relatedSubject classCode="PRS"><code code="MTH" codeSystem="2.16.840.1.113883.5.111"/>
          <subject><administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19400215"/>
            <sdtc:deceasedInd value="true"/><sdtc:deceasedTime value="200105061200"/></subject></relatedSubject></subject>
        <component><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.46"/>
          <code code="64572001" codeSystem="2.16.840.1.113883.6.96"/><effectiveTime value="1990"/>
          <value xsi:type="CD" code="254837009" codeSystem="2.16.840.1.113883.6.96"/></observation></component>
      </organizer>`,
    );
    const fmh = resolve(ctx, refs[0]);
    expect(fmh).toMatchObject({
      relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] },
      sex: { coding: [{ code: 'female' }] },
      bornDate: '1940-02-15',
      deceasedDate: '2001-05-06',
      condition: [{ code: { coding: [{ code: '254837009' }] }, onsetPeriod: { start: '1990' } }],
    });
    expect(fmh['deceasedBoolean']).toBeUndefined();
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('gives a lone observation an unknown relative, and a null condition data-absent-reason', () => {
    const { refs, ctx } = mapInlineEntry(
      mapFamilyHistorySection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.46"/>
        <code code="64572001" codeSystem="2.16.840.1.113883.6.96"/><value xsi:type="CD" nullFlavor="UNK"/></observation>`,
    );
    const dar = (code: string): unknown => ({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: code }] });
    const fmh = resolve(ctx, refs[0]);
    expect(fmh['relationship']).toEqual(dar('unknown'));
    expect(fmh['condition']).toEqual([{ code: dar('unknown') }]);
    expect(validationErrors(ctx)).toEqual([]);
  });
});

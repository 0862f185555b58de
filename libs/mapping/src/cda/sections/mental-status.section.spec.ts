import { describe, expect, it } from 'vitest';
import { child } from '@hie/cda';
import { mapMentalStatusSection } from './mental-status.section.js';
import {
  carriesCode,
  componentObservations,
  danglingReferences,
  entryActs,
  isCoded,
  mapCorpusSections,
  mapInlineEntry,
  resolve,
  validationErrors,
} from './results.spec-helpers.js';

const COGNITIVE = [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
  { coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-category', code: 'cognitive-status' }] },
];
const mapped = mapCorpusSections('mental-status', mapMentalStatusSection);

describe('mental status section over the corpus', () => {
  it('finds mental status entries in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes each observation a cognitive-status Observation with its code and value, organizers panels', () => {
        const acts = entryActs(m.section);
        expect(m.refs).toHaveLength(acts.length);
        acts.forEach((act, i) => {
          const top = resolve(m.ctx, m.refs[i]);
          expect(top['category']).toEqual(COGNITIVE);
          const observations = act.name === 'organizer' ? componentObservations(act) : [act];
          const members = act.name === 'organizer' ? (top['hasMember'] as { reference: string }[]).map((r) => resolve(m.ctx, r)) : [top];
          observations.forEach((obs, j) => {
            expect(members[j]!['category']).toEqual(COGNITIVE);
            if (isCoded(child(obs, 'code'))) expect(carriesCode(members[j]!['code'], child(obs, 'code'), m.ctx)).toBe(true);
            if (isCoded(child(obs, 'value'))) expect(carriesCode(members[j]!['valueCodeableConcept'], child(obs, 'value'), m.ctx)).toBe(true);
          });
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('mental status section, focused cases', () => {
  it('maps value, interpretation, method and performer of an assessment', () => {
    const { refs, ctx } = mapInlineEntry(
      mapMentalStatusSection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.74"/><id root="1.2.3" extension="m1"/>
        <code code="72107-6" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="completed"/><effectiveTime value="202301021200+0000"/>
        <value xsi:type="INT" value="27"/><interpretationCode code="N" codeSystem="2.16.840.1.113883.5.83"/>
        <methodCode code="273617000" codeSystem="2.16.840.1.113883.6.96"/>
        <author><time value="20230102"/><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="123"/>
          <assignedPerson><name><given>A</given><family>B</family></name></assignedPerson></assignedAuthor></author>
      </observation>`,
    );
    const obs = resolve(ctx, refs[0]);
    expect(obs).toMatchObject({
      status: 'final',
      valueInteger: 27,
      effectiveDateTime: '2023-01-02T12:00:00Z',
      interpretation: [{ coding: [{ code: 'N' }] }],
      method: { coding: [{ system: 'http://snomed.info/sct', code: '273617000' }] },
    });
    expect(resolve(ctx, (obs['performer'] as { reference: string }[])[0])['resourceType']).toBe('Practitioner');
    expect(validationErrors(ctx)).toEqual([]);
  });
});

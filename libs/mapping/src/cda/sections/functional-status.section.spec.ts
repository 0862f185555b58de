import { describe, expect, it } from 'vitest';
import { child, childrenNamed } from '@hie/cda';
import { mapFunctionalStatusSection } from './functional-status.section.js';
import {
  carriesCode,
  componentObservations,
  danglingReferences,
  entryActs,
  isCoded,
  mapCorpusSections,
  mapInlineEntry,
  resolve,
  resourcesOf,
  validationErrors,
} from './results.spec-helpers.js';

const SURVEY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] };
const category = (code: string): unknown => [SURVEY, { coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-category', code }] }];
const mapped = mapCorpusSections('functional-status', mapFunctionalStatusSection);

describe('functional status section over the corpus', () => {
  it('finds functional status entries in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(5);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes organizers panels of their observations, and every observation carries its code and value', () => {
        const acts = entryActs(m.section);
        expect(m.refs).toHaveLength(acts.length);
        acts.forEach((act, i) => {
          const top = resolve(m.ctx, m.refs[i]);
          expect(top).toMatchObject({ resourceType: 'Observation', subject: m.ctx.patient });
          if (isCoded(child(act, 'code'))) expect(carriesCode(top['code'], child(act, 'code'), m.ctx)).toBe(true);
          const observations = act.name === 'organizer' ? componentObservations(act) : [act];
          const members = act.name === 'organizer' ? (top['hasMember'] as { reference: string }[]).map((r) => resolve(m.ctx, r)) : [top];
          expect(members).toHaveLength(observations.length);
          observations.forEach((obs, j) => {
            const member = members[j]!;
            expect([category('functional-status'), category('cognitive-status')]).toContainEqual(member['category']);
            if (isCoded(child(obs, 'code'))) expect(carriesCode(member['code'], child(obs, 'code'), m.ctx)).toBe(true);
            if (isCoded(child(obs, 'value'))) expect(carriesCode(member['valueCodeableConcept'], child(obs, 'value'), m.ctx)).toBe(true);
            const supply = childrenNamed(obs, 'entryRelationship').map((e) => child(e, 'supply')).find((s) => s);
            if (supply) expect(resolve(m.ctx, member['device'] as { reference: string })['resourceType']).toBe('Device');
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

describe('functional status section, focused cases', () => {
  it('says why a value is missing, keeps assessment items as components, and files cognitive templates as cognitive-status', () => {
    const { refs, ctx } = mapInlineEntry(
      mapFunctionalStatusSection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.67"/><id root="1.2.3" extension="f1"/>
        <code code="54522-8" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="completed"/><effectiveTime value="20230101"/>
        <value xsi:type="CD" nullFlavor="ASKU"/>
        <entryRelationship typeCode="COMP"><observation classCode="OBS" moodCode="EVN">
          <code code="57243-8" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="INT" value="3"/></observation></entryRelationship>
      </observation></entry>
      <entry><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.74"/><id root="1.2.3" extension="c1"/>
        <code code="75275-8" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="active"/>
        <value xsi:type="CD" code="11163003" codeSystem="2.16.840.1.113883.6.96"/></observation>`,
    );
    const [functional, cognitive] = refs.map((r) => resolve(ctx, r));
    expect(functional).toMatchObject({
      status: 'final',
      category: category('functional-status'),
      effectiveDateTime: '2023-01-01',
      dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'asked-unknown' }] },
      component: [{ code: { coding: [{ system: 'http://loinc.org', code: '57243-8' }] }, valueInteger: 3 }],
    });
    expect(cognitive).toMatchObject({ status: 'preliminary', category: category('cognitive-status') });
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('makes an organizer without observations a panel that says its value is absent', () => {
    const { refs, ctx } = mapInlineEntry(
      mapFunctionalStatusSection,
      `<organizer classCode="CLUSTER" moodCode="EVN"><code code="d5" codeSystem="2.16.840.1.113883.6.254"/><statusCode code="completed"/></organizer>`,
    );
    const panel = resolve(ctx, refs[0]);
    expect(panel['hasMember']).toBeUndefined();
    expect(panel['dataAbsentReason']).toBeDefined();
    expect(resourcesOf(ctx, 'Observation')).toHaveLength(1);
    expect(validationErrors(ctx)).toEqual([]);
  });
});

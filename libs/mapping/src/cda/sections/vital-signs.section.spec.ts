import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapVitalSignsSection } from './vital-signs.section.js';
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

const VITAL_SIGNS = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const mapped = mapCorpusSections('vital-signs', mapVitalSignsSection);

describe('vital signs section over the corpus', () => {
  it('finds vital signs organizers in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(9);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes each organizer a 85353-1 panel whose members carry their codes, category and UCUM quantities', () => {
        const acts = entryActs(m.section);
        expect(m.refs.length).toBe(acts.length);
        acts.forEach((org, i) => {
          const panel = resolve(m.ctx, m.refs[i]);
          expect(panel.resourceType).toBe('Observation');
          const codings = (panel['code'] as { coding: { system?: string; code?: string }[] }).coding;
          expect(codings[0]).toMatchObject({ system: 'http://loinc.org', code: '85353-1' });
          if (isCoded(child(org, 'code'))) expect(carriesCode(panel['code'], child(org, 'code'), m.ctx)).toBe(true);
          expect(panel['category']).toEqual(VITAL_SIGNS);
          const members = (panel['hasMember'] as { reference: string }[]).map((r) => resolve(m.ctx, r));
          for (const obs of componentObservations(org)) {
            const member = members.find((x) => carriesCode(x['code'], child(obs, 'code'), m.ctx));
            expect(member, attr(child(obs, 'code'), 'code')).toBeDefined();
            expect(member!['category']).toEqual(VITAL_SIGNS);
            const value = child(obs, 'value');
            if (attr(value, 'value') !== undefined && attr(value, 'unit') !== undefined) {
              expect(member!['valueQuantity']).toMatchObject({ system: 'http://unitsofmeasure.org', code: attr(value, 'unit') });
            }
            expect(member!['effectiveDateTime'] ?? member!['effectivePeriod']).toBeDefined();
          }
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('vital signs section, focused cases', () => {
  it('gives a member without a time its organizer’s, and a lone vital sign its own Observation', () => {
    const { refs, ctx } = mapInlineEntry(
      mapVitalSignsSection,
      `<organizer classCode="CLUSTER" moodCode="EVN"><id root="1.2.3" extension="org"/>
        <code code="46680005" codeSystem="2.16.840.1.113883.6.96"/><statusCode code="completed"/><effectiveTime value="202001021030+0100"/>
        <component><observation classCode="OBS" moodCode="EVN"><id root="1.2.3" extension="hr"/>
          <code code="8867-4" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="completed"/>
          <value xsi:type="PQ" value="72" unit="/min"/></observation></component></organizer>`,
    );
    const panel = resolve(ctx, refs[0]);
    expect(panel['effectiveDateTime']).toBe('2020-01-02T10:30:00+01:00');
    expect(panel['dataAbsentReason']).toBeUndefined();
    const [hr] = (panel['hasMember'] as { reference: string }[]).map((r) => resolve(ctx, r));
    expect(hr!['effectiveDateTime']).toBe('2020-01-02T10:30:00+01:00');
    expect(hr!['valueQuantity']).toEqual({ value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' });
    expect(resourcesOf(ctx, 'Observation')).toHaveLength(2);
    expect(validationErrors(ctx)).toEqual([]);

    const lone = mapInlineEntry(
      mapVitalSignsSection,
      `<observation classCode="OBS" moodCode="EVN"><code code="8310-5" codeSystem="2.16.840.1.113883.6.1"/>
        <effectiveTime value="20200102"/><value xsi:type="PQ" value="37.1" unit="Cel"/></observation>`,
    );
    const temp = resolve(lone.ctx, lone.refs[0]);
    expect(temp['category']).toEqual(VITAL_SIGNS);
    expect(temp['valueQuantity']).toMatchObject({ value: 37.1, code: 'Cel' });
    expect(temp['status']).toBe('final');
  });
});

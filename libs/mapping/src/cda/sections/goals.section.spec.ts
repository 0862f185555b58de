import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapGoalsSection } from './goals.section.js';
import { carriesCode, danglingReferences, entryActs, isCoded, mapCorpusSections, mapInlineEntry, resolve, validationErrors } from './results.spec-helpers.js';

const mapped = mapCorpusSections('goals', mapGoalsSection);

describe('goals section over the corpus', () => {
  it('finds goals in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(1);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes each Goal Observation a Goal describing its code, with a target when it has a value', () => {
        const acts = entryActs(m.section);
        expect(m.refs).toHaveLength(acts.length);
        acts.forEach((obs, i) => {
          const goal = resolve(m.ctx, m.refs[i]);
          expect(goal).toMatchObject({ resourceType: 'Goal', subject: m.ctx.patient });
          expect(goal['lifecycleStatus']).toBeDefined();
          if (isCoded(child(obs, 'code'))) expect(carriesCode(goal['description'], child(obs, 'code'), m.ctx)).toBe(true);
          if (attr(child(child(obs, 'value'), 'low'), 'value') !== undefined) {
            const [target] = goal['target'] as Record<string, unknown>[];
            expect(target!['measure']).toEqual(goal['description']);
            expect(target!['detailRange']).toBeDefined();
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

describe('goals section, focused cases', () => {
  it('maps target, dates at date precision, priority and the status table', () => {
    const { refs, ctx } = mapInlineEntry(
      mapGoalsSection,
      `<observation classCode="OBS" moodCode="GOL"><templateId root="2.16.840.1.113883.10.20.22.4.121"/>
        <id root="1.2.3" extension="g1"/><code code="8480-6" codeSystem="2.16.840.1.113883.6.1" displayName="Systolic blood pressure"/>
        <text><reference value="#n1"/></text><statusCode code="completed"/>
        <effectiveTime><low value="20240102101500-0500"/><high value="20240630"/></effectiveTime>
        <value xsi:type="IVL_PQ"><high value="140" unit="mm[Hg]"/></value>
        <entryRelationship typeCode="RSON"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.143"/><code code="225773000" codeSystem="2.16.840.1.113883.6.96"/>
          <value xsi:type="CD" code="394849002" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>
      </observation>`,
    );
    const goal = resolve(ctx, refs[0]);
    expect(goal).toMatchObject({
      lifecycleStatus: 'completed',
      description: { coding: [{ system: 'http://loinc.org', code: '8480-6' }], text: 'narrative one' },
      priority: { coding: [{ system: 'http://snomed.info/sct', code: '394849002' }] },
      startDate: '2024-01-02',
      target: [
        {
          measure: { coding: [{ code: '8480-6' }] },
          detailRange: { high: { value: 140, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
          dueDate: '2024-06-30',
        },
      ],
    });
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('describes an uncoded goal by its value, its narrative, else data-absent-reason', () => {
    const byValue = mapInlineEntry(
      mapGoalsSection,
      `<observation classCode="OBS" moodCode="GOL"><code nullFlavor="NI"/>
        <value xsi:type="CD" code="161832001" codeSystem="2.16.840.1.113883.6.96" displayName="Weight loss"/></observation>`,
    );
    const g1 = resolve(byValue.ctx, byValue.refs[0]);
    expect(g1['description']).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '161832001', display: 'Weight loss' }] });
    // No code, so no measure, so no detail (gol-1).
    expect(g1['target']).toBeUndefined();
    expect(g1['lifecycleStatus']).toBe('active');

    const byText = mapInlineEntry(mapGoalsSection, `<observation classCode="OBS" moodCode="GOL"><text><reference value="#n1"/></text></observation>`);
    expect(resolve(byText.ctx, byText.refs[0])['description']).toEqual({ text: 'narrative one' });

    const none = mapInlineEntry(mapGoalsSection, `<observation classCode="OBS" moodCode="GOL"><code nullFlavor="UNK"/></observation>`);
    const g3 = resolve(none.ctx, none.refs[0]);
    expect(g3['description']).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
    });
    for (const c of [byValue.ctx, byText.ctx, none.ctx]) expect(validationErrors(c)).toEqual([]);
  });

  it('warns about entries that are not observations', () => {
    const { refs, ctx } = mapInlineEntry(mapGoalsSection, `<act classCode="ACT" moodCode="EVN"/>`);
    expect(refs).toEqual([]);
    expect(ctx.issues).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { child } from '@hie/cda';
import { mapResultsSection } from './results.section.js';
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

const mapped = mapCorpusSections('results', mapResultsSection);

describe('results section over the corpus', () => {
  it('finds results sections with organizers in the corpus', () => {
    expect(mapped.length).toBeGreaterThanOrEqual(10);
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(8);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('gives every organizer a DiagnosticReport and every component an Observation, each with its code', () => {
        const reports = resourcesOf(m.ctx, 'DiagnosticReport');
        const observations = resourcesOf(m.ctx, 'Observation');
        for (const act of entryActs(m.section)) {
          const components = act.name === 'organizer' ? componentObservations(act) : [act];
          if (act.name === 'organizer' && isCoded(child(act, 'code'))) {
            expect(reports.some((r) => carriesCode(r['code'], child(act, 'code'), m.ctx))).toBe(true);
          }
          for (const obs of components) {
            if (!isCoded(child(obs, 'code'))) continue;
            expect(observations.some((o) => carriesCode(o['code'], child(obs, 'code'), m.ctx))).toBe(true);
          }
        }
      });

      it('returns one reference per entry, each a report or lone observation whose members resolve', () => {
        expect(m.refs.length).toBe(entryActs(m.section).length);
        for (const ref of m.refs) {
          const r = resolve(m.ctx, ref);
          expect(['DiagnosticReport', 'Observation']).toContain(r.resourceType);
          for (const member of (r['result'] as { reference: string }[] | undefined) ?? []) {
            const obs = resolve(m.ctx, member);
            expect(obs.resourceType).toBe('Observation');
            expect(obs['subject']).toEqual(m.ctx.patient);
          }
        }
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }

  it('categorises lab panels (LAB, laboratory) and keeps values, units, ranges and interpretations', () => {
    const ccd = mapped.find((m) => m.document === 'C-CDA_R2-1_CCD.xml.ccda')!;
    const cbc = resourcesOf(ccd.ctx, 'DiagnosticReport').find((r) => JSON.stringify(r['code']).includes('57021-8'))!;
    expect(cbc['status']).toBe('final');
    expect(cbc['category']).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }]);
    expect(cbc['effectiveDateTime']).toBe('2008-03-19T08:30:00-08:00');
    const hgb = resourcesOf(ccd.ctx, 'Observation').find((o) => JSON.stringify(o['code']).includes('"718-7"'))!;
    expect(hgb['valueQuantity']).toEqual({ value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' });
    expect(hgb['category']).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }]);
    expect(hgb['referenceRange']).toEqual([
      {
        low: { value: 12, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
        high: { value: 15.5, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
      },
    ]);
    expect(hgb['interpretation']).toEqual([
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] },
    ]);
    expect(cbc['result']).toContainEqual({ reference: `Observation/${hgb.id}` });
  });
});

describe('results section, focused cases', () => {
  it('gives a nullFlavored value a dataAbsentReason and no value', () => {
    const { refs, ctx } = mapInlineEntry(
      mapResultsSection,
      `<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.2"/>
        <id root="1.2.3" extension="a"/><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/>
        <statusCode code="completed"/><effectiveTime value="20200102"/><value xsi:type="PQ" nullFlavor="ASKU"/></observation>`,
    );
    const obs = resolve(ctx, refs[0]);
    expect(obs['dataAbsentReason']).toEqual({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'asked-unknown' }],
    });
    expect(Object.keys(obs).filter((k) => k.startsWith('value'))).toEqual([]);
    expect(obs['category']).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }]);
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('keeps distinct results that reuse one <id> apart, and one result seen twice as one', () => {
    const obs = (code: string, value: string): string =>
      `<component><observation classCode="OBS" moodCode="EVN"><id root="9.9.9"/><code code="${code}" codeSystem="2.16.840.1.113883.6.1"/>
        <statusCode code="completed"/><effectiveTime value="20200102"/><value xsi:type="PQ" value="${value}" unit="mg/dL"/></observation></component>`;
    const { refs, ctx } = mapInlineEntry(
      mapResultsSection,
      `<organizer classCode="BATTERY" moodCode="EVN"><id root="8.8.8"/><code code="24331-1" codeSystem="2.16.840.1.113883.6.1"/>
        <statusCode code="active"/>${obs('2093-3', '180')}${obs('2571-8', '150')}${obs('2093-3', '180')}</organizer>`,
    );
    const report = resolve(ctx, refs[0]);
    expect(report['status']).toBe('partial');
    const members = report['result'] as { reference: string }[];
    expect(members).toHaveLength(2);
    expect(new Set(members.map((r) => r.reference)).size).toBe(2);
    expect(resourcesOf(ctx, 'Observation')).toHaveLength(2);
    expect(ctx.issues.map((i) => i.diagnostics)).toContain('reused-entry-id at Observation');
  });

  it('says a missing organizer code with data-absent-reason and takes members’ time from the organizer', () => {
    const { refs, ctx } = mapInlineEntry(
      mapResultsSection,
      `<organizer classCode="BATTERY" moodCode="EVN"><code nullFlavor="UNK"/><statusCode code="completed"/>
        <effectiveTime><low value="20200102"/><high value="20200103"/></effectiveTime>
        <component><observation classCode="OBS" moodCode="EVN"><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/>
        <value xsi:type="ST">see note</value></observation></component></organizer>`,
    );
    const report = resolve(ctx, refs[0]);
    expect(report['code']).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }],
    });
    const member = resolve(ctx, (report['result'] as { reference: string }[])[0]);
    expect(member['effectivePeriod']).toEqual({ start: '2020-01-02', end: '2020-01-03' });
    expect(member['valueString']).toBe('see note');
    expect(validationErrors(ctx)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { child } from '@hie/cda';
import { mapEncountersSection } from './encounters.section.js';
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

const mapped = mapCorpusSections('encounters', mapEncountersSection);
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const DAR = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

describe('encounters section over the corpus', () => {
  it('finds encounter activities in the corpus', () => {
    expect(mapped.flatMap((m) => resourcesOf(m.ctx, 'Encounter')).length).toBeGreaterThanOrEqual(8);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('gives every encounter its own Encounter with its type, a class and diagnoses that resolve', () => {
        const acts = entryActs(m.section);
        expect(m.refs.length).toBe(acts.length);
        acts.forEach((act, i) => {
          const e = resolve(m.ctx, m.refs[i]);
          expect(e.resourceType).toBe('Encounter');
          if (isCoded(child(act, 'code'))) expect(carriesCode((e['type'] as unknown[])[0], child(act, 'code'), m.ctx)).toBe(true);
          expect(e['class']).toBeDefined();
          expect(e['status']).toBe('finished');
          for (const d of (e['diagnosis'] as { condition: { reference: string } }[] | undefined) ?? []) {
            expect(resolve(m.ctx, d.condition).resourceType).toBe('Condition');
          }
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }

  it('takes the class from an ActCode translation, else from the CPT code, and links diagnosis, reason and place', () => {
    const transfer = mapped.find((m) => m.document === 'Transfer_Summary.ccda')!;
    const [visit] = resourcesOf(transfer.ctx, 'Encounter');
    expect(visit!['class']).toEqual({ system: ACT_CODE, code: 'AMB' });
    expect(JSON.stringify(visit!['reasonCode'])).toContain('32398004');
    expect(resolve(transfer.ctx, (visit!['location'] as { location: { reference: string } }[])[0]!.location)['name']).toBe('Good Health Clinic');

    const amb = mapped.find((m) => m.document === '170.314B2_Amb_CCD.ccda')!;
    const [inpatient] = resourcesOf(amb.ctx, 'Encounter');
    expect(inpatient!['class']).toEqual({ system: ACT_CODE, code: 'IMP' });
    expect(inpatient!['period']).toEqual({ start: '2012-08-15T09:00:51-05:00' });
    const [diagnosis] = (inpatient!['diagnosis'] as { condition: { reference: string } }[]).map((d) => resolve(amb.ctx, d.condition));
    expect(JSON.stringify(diagnosis!['code'])).toContain('203523006');
    expect(diagnosis!['clinicalStatus']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] });
    expect(JSON.stringify(diagnosis!['category'])).toContain('encounter-diagnosis');

    const p1 = mapped.find((m) => m.document === 'Patient-1.ccda')!;
    expect(new Set(p1.refs.map((r) => r.reference)).size).toBe(5);
    expect(resourcesOf(p1.ctx, 'Encounter').map((e) => (e['class'] as { code: string }).code).sort()).toEqual(['AMB', 'AMB', 'AMB', 'EMER', 'IMP']);
  });
});

describe('encounters section, focused cases', () => {
  it('says an unknown class with data-absent-reason, and a planned encounter is planned', () => {
    const { refs, ctx } = mapInlineEntry(
      mapEncountersSection,
      `<encounter classCode="ENC" moodCode="INT"><id root="1.2.3" extension="e"/>
        <code code="12345" codeSystem="2.16.840.1.113883.6.96"/><statusCode code="active"/><effectiveTime value="20300101"/>
        <sdtc:dischargeDispositionCode code="01" codeSystem="2.16.840.1.113883.12.112"/></encounter>`,
    );
    const e = resolve(ctx, refs[0]);
    expect(e['status']).toBe('planned');
    expect(e['class']).toEqual({ extension: [{ url: DAR, valueCode: 'unknown' }] });
    expect(e['hospitalization']).toEqual({
      dischargeDisposition: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0112', code: '01' }] },
    });
    expect(validationErrors(ctx)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { carriesCode, corpusSections, distinctActs, distinctRefs, mapInline, resourceErrors, templated, valueCode } from './clinical-statement.spec-helpers.js';
import { mapProblemsSection } from './problems.section.js';

const PROBLEM = '2.16.840.1.113883.10.20.22.4.4';
const CONCERN = (status: string, inner: string) =>
  `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.3"/><id root="1.1" extension="c1"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/><statusCode code="${status}"/><entryRelationship typeCode="SUBJ">${inner}</entryRelationship></act>`;
const OBS = (attrs: string, inner: string) =>
  `<observation classCode="OBS" moodCode="EVN" ${attrs}><templateId root="${PROBLEM}"/><id root="1.2" extension="p1"/><code code="55607006" codeSystem="2.16.840.1.113883.6.96" displayName="Problem"/><text><reference value="#n1"/></text><statusCode code="completed"/>${inner}</observation>`;

describe('problems section', () => {
  const sections = corpusSections('problems', mapProblemsSection);

  it('covers the corpus problem sections', () => {
    expect(sections.length).toBeGreaterThan(15);
  });

  for (const s of sections) {
    it(`${s.document}: a valid Condition per Problem Observation, carrying its code`, () => {
      const observations = templated(s.section, 'observation', PROBLEM);
      expect(distinctRefs(s.refs)).toBe(distinctActs(observations));
      expect(s.refs).toHaveLength(observations.length);
      expect(s.refs.every((r) => r.reference?.startsWith('Condition/'))).toBe(true);
      observations.forEach((obs, i) => {
        const value = valueCode(obs);
        if (value?.attributes['code'] !== undefined) expect(carriesCode(s.ctx.get(s.refs[i])?.['code'], value, s.ctx)).toBe(true);
      });
      expect(resourceErrors(s.ctx)).toEqual([]);
    });
  }

  it('takes clinical status from the Problem Status observation, onset and abatement from effectiveTime', () => {
    const status = `<entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.6"/><code code="33999-4" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="CD" code="413322009" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>`;
    const { resources } = mapInline(mapProblemsSection, [
      CONCERN('completed', OBS('', `<effectiveTime><low value="20100301"/><high value="20110401"/></effectiveTime><value xsi:type="CD" code="195967001" codeSystem="2.16.840.1.113883.6.96" displayName="Asthma"/>${status}`)),
    ], '<code code="11450-4" codeSystem="2.16.840.1.113883.6.1"/>');
    expect(resources[0]).toMatchObject({
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
      verificationStatus: { coding: [{ code: 'confirmed' }] },
      category: [{ coding: [{ code: 'problem-list-item' }] }, { coding: [{ system: 'http://snomed.info/sct', code: '55607006', display: 'Problem' }] }],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' }] },
      onsetDateTime: '2010-03-01',
      abatementDateTime: '2011-04-01',
    });
  });

  it('falls back to the concern status, refutes a negated problem, and keeps an uncoded problem as text', () => {
    const { resources } = mapInline(mapProblemsSection, [
      CONCERN('active', OBS('negationInd="true"', '<value xsi:type="CD" code="195967001" codeSystem="2.16.840.1.113883.6.96"/>')),
      CONCERN('active', OBS('', '<value xsi:type="CD" nullFlavor="OTH"/>').replace('extension="p1"', 'extension="p2"')),
      CONCERN('active', OBS('', '<value xsi:type="CD" nullFlavor="UNK"/>').replace('extension="p1"', 'extension="p3"').replace('<text><reference value="#n1"/></text>', '')),
    ]);
    expect(resources.map((r) => [r['clinicalStatus'], r['verificationStatus']])).toEqual([
      [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }] }],
      [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] }],
      [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] }],
    ]);
    expect(resources[1]!['code']).toEqual({ text: 'narrative one' });
    expect(resources[2]!['code']).toEqual({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] });
  });

  it('drops an abatement the explicit status contradicts (con-4), with a warning', () => {
    const status = `<entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.6"/><value xsi:type="CD" code="55561003" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>`;
    const { resources, ctx } = mapInline(mapProblemsSection, [OBS('', `<effectiveTime><low value="2010"/><high value="2011"/></effectiveTime><value xsi:type="CD" code="1" codeSystem="2.16.840.1.113883.6.96"/>${status}`)]);
    expect(resources[0]!['abatementDateTime']).toBeUndefined();
    expect(resources[0]!['clinicalStatus']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] });
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toContain('condition-status-conflict');
  });

  it('lists problems of a diagnosis section as encounter diagnoses', () => {
    const { resources } = mapInline(mapProblemsSection, [OBS('', '<value xsi:type="CD" code="1" codeSystem="2.16.840.1.113883.6.96"/>')], '<code code="11535-2" codeSystem="2.16.840.1.113883.6.1"/>');
    expect((resources[0]!['category'] as unknown[])[0]).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] });
  });
});

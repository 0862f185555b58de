import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapAllergiesSection } from './allergies.section.js';
import { carriesCode, corpusSections, distinctActs, distinctRefs, mapInline, resourceErrors, templated } from './clinical-statement.spec-helpers.js';

const ALLERGY = '2.16.840.1.113883.10.20.22.4.7';
const substanceCode = (obs: Parameters<typeof child>[0]) => child(child(child(child(obs, 'participant'), 'participantRole'), 'playingEntity'), 'code');

const OBS = (attrs: string, value: string, inner: string) =>
  `<observation classCode="OBS" moodCode="EVN" ${attrs}><templateId root="${ALLERGY}"/><id root="2.1" extension="a1"/><code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/><statusCode code="completed"/>` +
  `<effectiveTime><low value="20100101"/></effectiveTime><value xsi:type="CD" code="${value}" codeSystem="2.16.840.1.113883.6.96"/>${inner}</observation>`;
const CONCERN = (status: string, obs: string) =>
  `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.30"/><id root="2.2"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/><statusCode code="${status}"/><entryRelationship typeCode="SUBJ">${obs}</entryRelationship></act>`;
const SUBSTANCE = (code: string) =>
  `<participant typeCode="CSM"><participantRole classCode="MANU"><playingEntity classCode="MMAT"><code code="${code}" codeSystem="2.16.840.1.113883.6.88"/></playingEntity></participantRole></participant>`;
const REACTION = (code: string, severity: string) =>
  `<entryRelationship typeCode="MFST" inversionInd="true"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.9"/><value xsi:type="CD" code="${code}" codeSystem="2.16.840.1.113883.6.96"/>` +
  `<entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.8"/><value xsi:type="CD" code="${severity}" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship></observation></entryRelationship>`;

describe('allergies section', () => {
  const sections = corpusSections('allergies', mapAllergiesSection);

  it('covers the corpus allergy sections', () => {
    expect(sections.length).toBeGreaterThan(10);
  });

  for (const s of sections) {
    it(`${s.document}: a valid AllergyIntolerance per allergy observation, carrying its substance code`, () => {
      const observations = templated(s.section, 'observation', ALLERGY);
      expect(s.refs).toHaveLength(observations.length);
      expect(distinctRefs(s.refs)).toBe(distinctActs(observations, (o) => attr(substanceCode(o), 'code') ?? ''));
      observations.forEach((obs, i) => {
        const code = substanceCode(obs);
        if (attr(code, 'code') !== undefined && obs.attributes['negationInd'] !== 'true') expect(carriesCode(s.ctx.get(s.refs[i])?.['code'], code, s.ctx)).toBe(true);
      });
      expect(resourceErrors(s.ctx)).toEqual([]);
    });
  }

  it('maps substance, type, category, status, criticality and reactions with severity', () => {
    const criticality = `<entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.145"/><value xsi:type="CD" code="CRITH" codeSystem="2.16.840.1.113883.5.1063"/></observation></entryRelationship>`;
    const { resources } = mapInline(mapAllergiesSection, [CONCERN('active', OBS('', '416098002', SUBSTANCE('7980') + criticality + REACTION('247472004', '6736007')))]);
    expect(resources[0]).toMatchObject({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980' }] },
      onsetDateTime: '2010-01-01',
      reaction: [{ manifestation: [{ coding: [{ system: 'http://snomed.info/sct', code: '247472004' }] }], severity: 'moderate' }],
    });
  });

  it('states "no known allergies" for a negated observation without a substance, and refutes one with', () => {
    const { resources } = mapInline(mapAllergiesSection, [
      CONCERN('active', OBS('negationInd="true"', '419199007', '<participant typeCode="CSM"><participantRole><playingEntity><code nullFlavor="NA"/></playingEntity></participantRole></participant>')),
      CONCERN('active', OBS('negationInd="true"', '416098002', SUBSTANCE('7980')).replace('extension="a1"', 'extension="a2"')),
    ]);
    expect(resources[0]!['code']).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '716186003' }] });
    expect(resources[0]!['verificationStatus']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] });
    expect(resources[1]!['code']).toEqual({ coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980' }] });
    expect(resources[1]!['verificationStatus']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'refuted' }] });
  });

  it('takes the status from the concern when no Allergy Status is given (a completed concern is resolved)', () => {
    const { resources } = mapInline(mapAllergiesSection, [CONCERN('completed', OBS('', '419199007', SUBSTANCE('1')))]);
    expect(resources[0]!['clinicalStatus']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'resolved' }] });
  });
});

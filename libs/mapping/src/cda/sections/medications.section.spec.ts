import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapMedicationsSection } from './medications.section.js';
import { carriesCode, corpusSections, distinctActs, distinctRefs, mapInline, resourceErrors, templated } from './clinical-statement.spec-helpers.js';

const ACTIVITY = '2.16.840.1.113883.10.20.22.4.16';
const drugCode = (sa: Parameters<typeof child>[0]) => child(child(child(child(sa, 'consumable'), 'manufacturedProduct'), 'manufacturedMaterial'), 'code');

const SA = (mood: string, id: string, inner: string, drug = '197361') =>
  `<substanceAdministration classCode="SBADM" moodCode="${mood}"><templateId root="${ACTIVITY}"/><id root="3.1" extension="${id}"/><text><reference value="#n1"/></text><statusCode code="active"/>` +
  `<effectiveTime xsi:type="IVL_TS"><low value="20120318"/></effectiveTime>${inner}` +
  `<consumable><manufacturedProduct><templateId root="2.16.840.1.113883.10.20.22.4.23"/><manufacturedMaterial><code code="${drug}" codeSystem="2.16.840.1.113883.6.88" displayName="Amlodipine 5 MG"/></manufacturedMaterial></manufacturedProduct></consumable></substanceAdministration>`;

describe('medications section', () => {
  const sections = corpusSections('medications', mapMedicationsSection);

  it('covers the corpus medication sections', () => {
    expect(sections.length).toBeGreaterThan(15);
  });

  for (const s of sections) {
    it(`${s.document}: a valid MedicationStatement/Request per Medication Activity, with its drug code`, () => {
      const activities = templated(s.section, 'substanceAdministration', ACTIVITY);
      expect(s.refs).toHaveLength(activities.length);
      expect(distinctRefs(s.refs)).toBe(distinctActs(activities, (a) => `${attr(a, 'moodCode')}|${attr(drugCode(a), 'code') ?? ''}`));
      activities.forEach((sa, i) => {
        const resource = s.ctx.get(s.refs[i])!;
        expect(resource.resourceType).toBe(attr(sa, 'moodCode') === 'EVN' ? 'MedicationStatement' : 'MedicationRequest');
        const code = drugCode(sa);
        if (attr(code, 'code') !== undefined) {
          const medication = s.ctx.get(resource['medicationReference'] as { reference: string });
          expect(carriesCode(medication?.['code'], code, s.ctx)).toBe(true);
        }
      });
      expect(resourceErrors(s.ctx)).toEqual([]);
    });
  }

  it('maps a taken medication (EVN) to a MedicationStatement with dosage', () => {
    const inner =
      '<effectiveTime xsi:type="PIVL_TS" institutionSpecified="true" operator="A"><period value="12" unit="h"/></effectiveTime>' +
      '<routeCode code="C38288" codeSystem="2.16.840.1.113883.3.26.1.1" displayName="ORAL"/><doseQuantity value="1"/>' +
      '<entryRelationship typeCode="RSON"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.19"/><value xsi:type="CD" code="38341003" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>';
    const { resources, ctx } = mapInline(mapMedicationsSection, [SA('EVN', 'm1', inner)]);
    expect(resources[0]).toMatchObject({
      resourceType: 'MedicationStatement',
      status: 'active',
      effectivePeriod: { start: '2012-03-18' },
      reasonCode: [{ coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] }],
      dosage: [
        {
          text: 'narrative one',
          timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h' } },
          route: { coding: [{ system: 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl', code: 'C38288', display: 'ORAL' }] },
          doseAndRate: [{ doseQuantity: { value: 1 } }],
        },
      ],
    });
    const medication = ctx.get(resources[0]!['medicationReference'] as { reference: string });
    expect(medication?.['code']).toEqual({ coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361', display: 'Amlodipine 5 MG' }] });
  });

  it('maps an intended medication (INT) to a MedicationRequest with its dispense request', () => {
    const supply =
      '<entryRelationship typeCode="REFR"><supply classCode="SPLY" moodCode="INT"><templateId root="2.16.840.1.113883.10.20.22.4.17"/><repeatNumber value="3"/><quantity value="30"/></supply></entryRelationship>';
    const { resources } = mapInline(mapMedicationsSection, [SA('INT', 'm2', supply)]);
    expect(resources[0]).toMatchObject({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: '2012-03-18' } } } }],
      dispenseRequest: { numberOfRepeatsAllowed: 2, quantity: { value: 30 } },
    });
  });

  it('makes one Medication for the same drug in two entries, and records a not-taken medication', () => {
    const { resources } = mapInline(mapMedicationsSection, [SA('EVN', 'm3', ''), SA('EVN', 'm4', '').replace('moodCode="EVN"', 'moodCode="EVN" negationInd="true"')]);
    expect(resources[0]!['medicationReference']).toEqual(resources[1]!['medicationReference']);
    expect(resources[1]!['status']).toBe('not-taken');
  });

  it('keeps two different drugs that share a copied id apart', () => {
    const { refs, ctx } = mapInline(mapMedicationsSection, [SA('EVN', 'same', ''), SA('EVN', 'same', '', '310965')]);
    expect(distinctRefs(refs)).toBe(2);
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toContain('reused-entry-id');
  });
});

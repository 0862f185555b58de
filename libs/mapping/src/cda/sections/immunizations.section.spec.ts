import { describe, expect, it } from 'vitest';
import { attr, child, descend } from '@hie/cda';
import { mapImmunizationsSection } from './immunizations.section.js';
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

const mapped = mapCorpusSections('immunizations', mapImmunizationsSection);
const DAR = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

describe('immunizations section over the corpus', () => {
  it('finds immunizations, given and refused, in the corpus', () => {
    const all = mapped.flatMap((m) => resourcesOf(m.ctx, 'Immunization'));
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.some((i) => i['status'] === 'not-done' && i['statusReason'] !== undefined)).toBe(true);
    expect(all.some((i) => i['status'] === 'completed' && i['lotNumber'] !== undefined)).toBe(true);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('gives every activity an Immunization with its vaccine code, status and occurrence', () => {
        const acts = entryActs(m.section);
        expect(m.refs.length).toBe(acts.length);
        acts.forEach((act, i) => {
          const imm = resolve(m.ctx, m.refs[i]);
          expect(imm.resourceType).toBe('Immunization');
          const code = descend(act, 'consumable', 'manufacturedProduct', 'manufacturedMaterial', 'code');
          if (isCoded(code)) expect(carriesCode(imm['vaccineCode'], code, m.ctx)).toBe(true);
          expect(imm['status']).toBe(attr(act, 'negationInd') === 'true' ? 'not-done' : 'completed');
          expect(imm['occurrenceDateTime'] ?? imm['_occurrenceDateTime']).toBeDefined();
          expect(imm['patient']).toEqual(m.ctx.patient);
          const nullFlavor = attr(child(act, 'effectiveTime'), 'nullFlavor');
          if (nullFlavor !== undefined) {
            const reason = m.ctx.tables.valueMap('null-flavor-to-data-absent-reason', nullFlavor);
            expect(imm['_occurrenceDateTime']).toEqual({ extension: [{ url: DAR, valueCode: reason }] });
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

const activity = (attrs: string, body: string): string =>
  `<substanceAdministration classCode="SBADM" ${attrs}><templateId root="2.16.840.1.113883.10.20.22.4.52"/>${body}</substanceAdministration>`;
const vaccine = (code: string): string =>
  `<consumable><manufacturedProduct><manufacturedMaterial>${code}<lotNumberText>L-7</lotNumberText></manufacturedMaterial>
    <manufacturerOrganization><name>Acme Vaccines</name></manufacturerOrganization></manufacturedProduct></consumable>`;

describe('immunizations section, focused cases', () => {
  it('says an unknown time and vaccine with data-absent-reason, and refusals with their reason', () => {
    const { refs, ctx } = mapInlineEntry(
      mapImmunizationsSection,
      activity(
        'moodCode="EVN" negationInd="true"',
        `<id root="1.2.3" extension="imm"/><statusCode code="completed"/><effectiveTime nullFlavor="ASKU"/>
         ${vaccine('<code nullFlavor="UNK"/>')}
         <approachSiteCode code="LA" codeSystem="2.16.840.1.113883.5.1052"/>
         <entryRelationship typeCode="RSON"><observation classCode="OBS" moodCode="EVN">
           <templateId root="2.16.840.1.113883.10.20.22.4.53"/><code code="PATOBJ" codeSystem="2.16.840.1.113883.5.8"/>
         </observation></entryRelationship>`,
      ),
    );
    const imm = resolve(ctx, refs[0]);
    expect(imm['status']).toBe('not-done');
    expect(imm['statusReason']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'PATOBJ' }] });
    expect(imm['_occurrenceDateTime']).toEqual({ extension: [{ url: DAR, valueCode: 'asked-unknown' }] });
    expect(imm['occurrenceDateTime']).toBeUndefined();
    expect(imm['vaccineCode']).toEqual({ extension: [{ url: DAR, valueCode: 'unknown' }] });
    expect(imm['lotNumber']).toBe('L-7');
    expect(resolve(ctx, imm['manufacturer'] as { reference: string })['name']).toBe('Acme Vaccines');
    expect(imm['site']).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActSite', code: 'LA' }] });
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('maps a planned immunization to a MedicationRequest for the vaccine', () => {
    const { refs, ctx } = mapInlineEntry(
      mapImmunizationsSection,
      activity(
        'moodCode="INT"',
        `<id root="1.2.3" extension="plan"/><statusCode code="active"/><effectiveTime value="20300101"/>
         ${vaccine('<code code="141" codeSystem="2.16.840.1.113883.12.292" displayName="Influenza, seasonal"/>')}`,
      ),
    );
    const request = resolve(ctx, refs[0]);
    expect(request.resourceType).toBe('MedicationRequest');
    expect(request['status']).toBe('active');
    expect(request['intent']).toBe('plan');
    expect(request['medicationCodeableConcept']).toEqual({
      coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '141', display: 'Influenza, seasonal' }],
    });
    expect(request['dosageInstruction']).toEqual([{ timing: { event: ['2030-01-01'] } }]);
    expect(resourcesOf(ctx, 'Immunization')).toEqual([]);
    expect(validationErrors(ctx)).toEqual([]);
  });
});

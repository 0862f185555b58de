import { describe, expect, it } from 'vitest';
import { attr, child, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { allSections, corpusDocument, specContext } from '../testing/cda-spec.helpers.js';
import { mapPlanOfTreatmentSection } from './plan-of-treatment.section.js';
import { materialOf, productRoleOf } from './plan-of-treatment.request.js';
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

const mapped = mapCorpusSections('plan-of-treatment', mapPlanOfTreatmentSection);

interface Activity {
  reference?: { reference: string };
  detail?: Record<string, unknown>;
}

function carePlanOf(ctx: CdaContext, refs: { reference?: string }[]): FhirResource & { id: string } {
  const plan = resolve(ctx, refs[0]);
  expect(plan.resourceType).toBe('CarePlan');
  return plan;
}

/** The concept the entry's own code must land in, by the resource it became. */
function codeOf(resource: FhirResource): unknown {
  if (resource.resourceType === 'MedicationRequest') return resource['medicationCodeableConcept'];
  if (resource.resourceType === 'DeviceRequest') return resource['codeCodeableConcept'];
  if (resource.resourceType === 'Goal') return resource['description'];
  return resource['code'];
}

/** The CDA code an entry is known by: the medication's or device's for supplies and substance administrations. */
function entryCode(act: XmlElement): XmlElement | undefined {
  if (act.name === 'substanceAdministration' || (act.name === 'supply' && materialOf(act))) return child(materialOf(act), 'code');
  if (act.name === 'supply' && productRoleOf(act)) return child(child(productRoleOf(act), 'playingDevice'), 'code');
  return child(act, 'code');
}

describe('plan of treatment section over the corpus', () => {
  it('finds plans of treatment with entries in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(9);
  });

  for (const m of mapped) {
    describe(`${m.document} (${attr(child(m.section, 'code'), 'code') ?? 'no code'})`, () => {
      const acts = entryActs(m.section);

      it('makes one CarePlan joining a resource or activity per entry, each carrying the entry’s code', () => {
        if (!acts.length) {
          expect(m.refs).toEqual([]);
          return;
        }
        const plan = carePlanOf(m.ctx, m.refs);
        expect(plan).toMatchObject({ status: 'active', intent: 'plan', subject: m.ctx.patient });
        const activities = (plan['activity'] ?? []) as Activity[];
        const requests = activities.filter((a) => a.reference).map((a) => resolve(m.ctx, a.reference));
        const details = activities.filter((a) => a.detail).map((a) => a.detail!);
        const goals = ((plan['goal'] ?? []) as { reference: string }[]).map((g) => resolve(m.ctx, g));
        expect(requests.length + details.length + goals.length).toBeGreaterThanOrEqual(acts.length);
        for (const act of acts) {
          const cd = entryCode(act);
          if (!isCoded(cd)) continue;
          const candidates = [...requests, ...goals, ...details.map((d) => ({ resourceType: 'detail', code: d['code'] }))];
          const found = candidates.find((r) => carriesCode(codeOf(r), cd, m.ctx));
          expect(found, `${act.name} ${attr(cd, 'code')}`).toBeDefined();
          if (attr(act, 'moodCode') === 'GOL') expect(found!.resourceType).toBe('Goal');
          else if (attr(act, 'moodCode') === 'EVN') expect(found!.resourceType).toBe('detail');
          else if (act.name === 'substanceAdministration') expect(found!.resourceType).toBe('MedicationRequest');
          else expect(['ServiceRequest', 'MedicationRequest', 'DeviceRequest']).toContain(found!.resourceType);
        }
        for (const r of requests) expect(r['subject']).toEqual(m.ctx.patient);
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('plan of treatment section, focused cases', () => {
  it('makes a planned procedure an order with its priority, reason, instruction, time and negation', () => {
    const { refs, ctx } = mapInlineEntry(
      mapPlanOfTreatmentSection,
      `<procedure classCode="PROC" moodCode="RQO" negationInd="true">
        <templateId root="2.16.840.1.113883.10.20.22.4.41" extension="2014-06-09"/><id root="1.2.3" extension="p1"/>
        <code code="73761001" codeSystem="2.16.840.1.113883.6.96" displayName="Colonoscopy"/>
        <statusCode code="active"/><effectiveTime><low value="20240301"/><high value="20240315"/></effectiveTime>
        <targetSiteCode code="71854001" codeSystem="2.16.840.1.113883.6.96"/>
        <entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.143"/><code code="225773000" codeSystem="2.16.840.1.113883.6.96"/>
          <value xsi:type="CD" code="394849002" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>
        <entryRelationship typeCode="RSON"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.19"/><code code="404684003" codeSystem="2.16.840.1.113883.6.96"/>
          <value xsi:type="CD" code="428165003" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>
        <entryRelationship typeCode="SUBJ" inversionInd="true"><act classCode="ACT" moodCode="INT">
          <templateId root="2.16.840.1.113883.10.20.22.4.20"/><code code="171044003" codeSystem="2.16.840.1.113883.6.96"/>
          <text><reference value="#n1"/></text></act></entryRelationship>
      </procedure>`,
    );
    const plan = carePlanOf(ctx, refs);
    const request = resolve(ctx, (plan['activity'] as Activity[])[0]!.reference);
    expect(request).toMatchObject({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      doNotPerform: true,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '73761001', display: 'Colonoscopy' }] },
      occurrencePeriod: { start: '2024-03-01', end: '2024-03-15' },
      reasonCode: [{ coding: [{ system: 'http://snomed.info/sct', code: '428165003' }] }],
      bodySite: [{ coding: [{ system: 'http://snomed.info/sct', code: '71854001' }] }],
      patientInstruction: 'narrative one',
    });
    expect(refs).toEqual([{ reference: `CarePlan/${plan.id}` }, { reference: `ServiceRequest/${request.id}` }]);
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('makes planned medications, immunizations and medication supplies MedicationRequests, device supplies DeviceRequests', () => {
    const { refs, ctx } = mapInlineEntry(
      mapPlanOfTreatmentSection,
      `<substanceAdministration classCode="SBADM" moodCode="INT"><templateId root="2.16.840.1.113883.10.20.22.4.42"/>
        <id root="1.2.3" extension="m1"/><statusCode code="active"/><effectiveTime value="20240301"/>
        <routeCode code="C38288" codeSystem="2.16.840.1.113883.3.26.1.1"/><doseQuantity value="1"/>
        <consumable><manufacturedProduct><manufacturedMaterial>
          <code code="197361" codeSystem="2.16.840.1.113883.6.88"/></manufacturedMaterial></manufacturedProduct></consumable>
      </substanceAdministration></entry>
      <entry><supply classCode="SPLY" moodCode="PRP"><templateId root="2.16.840.1.113883.10.20.22.4.43"/>
        <id root="1.2.3" extension="s1"/><statusCode code="new"/><quantity value="30"/>
        <product><manufacturedProduct><manufacturedMaterial>
          <code code="573621" codeSystem="2.16.840.1.113883.6.88"/></manufacturedMaterial></manufacturedProduct></product>
      </supply></entry>
      <entry><supply classCode="SPLY" moodCode="INT"><templateId root="2.16.840.1.113883.10.20.22.4.43"/>
        <id root="1.2.3" extension="s2"/><statusCode code="active"/>
        <participant typeCode="PRD"><participantRole classCode="MANU"><playingDevice>
          <code code="58938008" codeSystem="2.16.840.1.113883.6.96" displayName="Wheelchair"/></playingDevice></participantRole></participant>
      </supply>`,
    );
    const [med, supply] = resourcesOf(ctx, 'MedicationRequest');
    expect(med).toMatchObject({
      status: 'active',
      intent: 'plan',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361' }] },
      dosageInstruction: [{ timing: { event: ['2024-03-01'] }, doseAndRate: [{ doseQuantity: { value: 1 } }] }],
    });
    expect(supply).toMatchObject({ status: 'draft', intent: 'proposal', dispenseRequest: { quantity: { value: 30 } } });
    const [device] = resourcesOf(ctx, 'DeviceRequest');
    expect(device).toMatchObject({ status: 'active', intent: 'plan', codeCodeableConcept: { coding: [{ code: '58938008' }] } });
    expect((carePlanOf(ctx, refs)['activity'] as Activity[]).map((a) => a.reference?.reference.split('/')[0])).toEqual([
      'MedicationRequest',
      'MedicationRequest',
      'DeviceRequest',
    ]);
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('keeps instructions and acts in event mood as activity details, goals as Goals of the plan', () => {
    const { refs, ctx } = mapInlineEntry(
      mapPlanOfTreatmentSection,
      `<act classCode="ACT" moodCode="INT"><templateId root="2.16.840.1.113883.10.20.22.4.20"/>
        <code code="311401005" codeSystem="2.16.840.1.113883.6.96" displayName="Patient education"/>
        <text><reference value="#n1"/></text><statusCode code="completed"/></act></entry>
      <entry><act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.141"/>
        <code code="432138007" codeSystem="2.16.840.1.113883.6.96"/><statusCode code="completed"/></act></entry>
      <entry><observation classCode="OBS" moodCode="GOL"><templateId root="2.16.840.1.113883.10.20.22.4.121"/>
        <id root="1.2.3" extension="g1"/><code code="289169006" codeSystem="2.16.840.1.113883.6.96"/><statusCode code="active"/></observation>`,
    );
    const plan = carePlanOf(ctx, refs);
    const activities = plan['activity'] as Activity[];
    // The instruction is an INT act, so a ServiceRequest; the hand-off (EVN) a detail.
    expect(resolve(ctx, activities[0]!.reference)).toMatchObject({ resourceType: 'ServiceRequest', status: 'completed' });
    expect(activities[1]!.detail).toEqual({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '432138007' }] },
      status: 'completed',
    });
    expect(resolve(ctx, (plan['goal'] as { reference: string }[])[0])).toMatchObject({ resourceType: 'Goal', lifecycleStatus: 'active' });
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('maps an Interventions section (Care Plan) too: planned interventions and the planned acts they group', () => {
    const doc = corpusDocument('Care_Plan.ccda');
    const section = allSections(doc).find((s) => attr(child(s, 'code'), 'code') === '62387-6')!;
    const ctx = specContext(doc);
    const refs = mapPlanOfTreatmentSection(section, ctx);
    const plan = carePlanOf(ctx, refs);
    const activities = plan['activity'] as Activity[];
    const requests = activities.filter((a) => a.reference).map((a) => resolve(ctx, a.reference));
    // The planned intervention (362956003) and the planned act, procedure and observation it refers to.
    for (const code of ['362956003', '423171007', '371907003', '71850-2']) {
      expect(requests.some((r) => (r['code'] as { coding?: { code: string }[] } | undefined)?.coding?.some((c) => c.code === code))).toBe(true);
    }
    // The intervention done (EVN) and the hand-offs are details.
    expect(activities.filter((a) => a.detail).length).toBeGreaterThanOrEqual(2);
    expect(validationErrors(ctx)).toEqual([]);
    expect(danglingReferences(ctx)).toEqual([]);
  });

  it('gives an empty section nothing, and warns about an entry it cannot map', () => {
    expect(mapInlineEntry(mapPlanOfTreatmentSection, '').refs).toEqual([]);
    const { refs, ctx } = mapInlineEntry(mapPlanOfTreatmentSection, `<organizer classCode="CLUSTER" moodCode="INT"/>`);
    expect(refs).toEqual([]);
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toEqual(['unsupported-entry']);
  });
});

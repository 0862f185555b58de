import { describe, expect, it } from 'vitest';
import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { mapMedicalEquipmentSection } from './medical-equipment.section.js';
import { productRoleOf } from './plan-of-treatment.request.js';
import {
  carriesCode,
  danglingReferences,
  entryActs,
  mapCorpusSections,
  mapInlineEntry,
  resolve,
  resourcesOf,
  validationErrors,
} from './results.spec-helpers.js';

const mapped = mapCorpusSections('medical-equipment', mapMedicalEquipmentSection);

/** The resource the mapper made for one supply or procedure: the use statement or procedure whose device carries the code. */
function madeFor(act: XmlElement, ctx: CdaContext): FhirResource | undefined {
  if (act.name === 'supply') {
    const code = child(child(productRoleOf(act), 'playingDevice'), 'code');
    return resourcesOf(ctx, 'DeviceUseStatement').find((s) => carriesCode(resolve(ctx, s['device'] as { reference: string })['type'], code, ctx));
  }
  return resourcesOf(ctx, 'Procedure').find((p) => carriesCode(p['code'], child(act, 'code'), ctx));
}

describe('medical equipment section over the corpus', () => {
  it('finds medical equipment in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(4);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes supplies Devices in use, procedures Procedures with their devices, organizers Lists', () => {
        for (const act of entryActs(m.section)) {
          const members = act.name === 'organizer' ? childrenNamed(act, 'component').map((c) => c.children[0]!) : [act];
          const made = members.map((member) => madeFor(member, m.ctx));
          made.forEach((r, i) => expect(r, `${members[i]!.name}`).toBeDefined());
          for (const r of made) {
            expect(m.refs).toContainEqual({ reference: `${r!.resourceType}/${r!.id}` });
            expect(r!['subject']).toEqual(m.ctx.patient);
          }
          if (act.name === 'organizer') {
            const list = resourcesOf(m.ctx, 'List').find((l) => carriesCode(l['code'], child(act, 'code'), m.ctx));
            expect(list).toMatchObject({ status: 'current', mode: 'snapshot' });
            expect((list!['entry'] as unknown[]).length).toBe(members.length);
          }
          if (act.name === 'procedure' && attr(act, 'negationInd') === 'true') expect(made[0]!['status']).toBe('not-done');
        }
        for (const device of resourcesOf(m.ctx, 'Device')) expect(device['patient']).toEqual(m.ctx.patient);
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('medical equipment section, focused cases', () => {
  it('reads a UDI, the use period and status, and skips a negated supply with a warning', () => {
    const { refs, ctx } = mapInlineEntry(
      mapMedicalEquipmentSection,
      `<supply classCode="SPLY" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.50"/><id root="1.2.3" extension="s1"/>
        <statusCode code="active"/><effectiveTime xsi:type="IVL_TS"><low value="20200101"/></effectiveTime>
        <participant typeCode="PRD"><participantRole classCode="MANU"><templateId root="2.16.840.1.113883.10.20.22.4.37"/>
          <id root="2.16.840.1.113883.3.3719" extension="(01)51022222233336(11)141231(17)150707(10)A213B1(21)1234"/>
          <playingDevice><code code="704708004" codeSystem="2.16.840.1.113883.6.96" displayName="Cardiac resynchronization therapy implantable pacemaker"/>
            <manufacturerModelName>CRT-P 1000</manufacturerModelName></playingDevice>
          <scopingEntity><id root="2.16.840.1.113883.3.3719"/><desc>Acme Devices</desc></scopingEntity>
        </participantRole></participant></supply></entry>
      <entry><supply classCode="SPLY" moodCode="EVN" negationInd="true"><statusCode code="completed"/>
        <participant typeCode="PRD"><participantRole><playingDevice><code code="87405001" codeSystem="2.16.840.1.113883.6.96"/></playingDevice></participantRole></participant>
      </supply>`,
    );
    expect(refs).toHaveLength(1);
    const use = resolve(ctx, refs[0]);
    expect(use).toMatchObject({ resourceType: 'DeviceUseStatement', status: 'active', timingPeriod: { start: '2020-01-01' } });
    expect(resolve(ctx, use['device'] as { reference: string })).toMatchObject({
      udiCarrier: [{ deviceIdentifier: '51022222233336', carrierHRF: '(01)51022222233336(11)141231(17)150707(10)A213B1(21)1234' }],
      deviceName: [{ name: 'CRT-P 1000', type: 'model-name' }],
      manufacturer: 'Acme Devices',
      type: { coding: [{ code: '704708004' }] },
    });
    expect(resourcesOf(ctx, 'Device')).toHaveLength(1);
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toEqual(['negated-supply']);
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('gives two devices under one reused id a resource each', () => {
    const supply = (code: string): string =>
      `<supply classCode="SPLY" moodCode="EVN"><id root="1.2.3" extension="same"/>
        <participant typeCode="PRD"><participantRole><id root="1.2.3" extension="dev"/>
          <playingDevice><code code="${code}" codeSystem="2.16.840.1.113883.6.96"/></playingDevice></participantRole></participant></supply>`;
    const { refs, ctx } = mapInlineEntry(mapMedicalEquipmentSection, `${supply('14106009')}</entry><entry>${supply('303406003')}`);
    expect(refs).toHaveLength(2);
    expect(resourcesOf(ctx, 'Device').map((d) => (d['type'] as { coding: { code: string }[] }).coding[0]!.code)).toEqual(['14106009', '303406003']);
  });
});

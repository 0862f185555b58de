import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapProceduresSection } from './procedures.section.js';
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

const mapped = mapCorpusSections('procedures', mapProceduresSection);

describe('procedures section over the corpus', () => {
  it('finds procedure activities of all three templates in the corpus', () => {
    const names = new Set(mapped.flatMap((m) => entryActs(m.section).map((a) => a.name)));
    expect([...names].sort()).toEqual(['act', 'observation', 'procedure']);
    expect(mapped.flatMap((m) => resourcesOf(m.ctx, 'Procedure')).length).toBeGreaterThanOrEqual(20);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('gives every activity its own Procedure with its code, status and time', () => {
        const acts = entryActs(m.section);
        expect(m.refs.length).toBe(acts.length);
        acts.forEach((act, i) => {
          const p = resolve(m.ctx, m.refs[i]);
          expect(p.resourceType).toBe('Procedure');
          if (isCoded(child(act, 'code'))) expect(carriesCode(p['code'], child(act, 'code'), m.ctx)).toBe(true);
          const status = m.ctx.tables.valueMap('procedure-status-to-event-status', attr(child(act, 'statusCode'), 'code') ?? '');
          expect(p['status']).toBe(attr(act, 'negationInd') === 'true' ? 'not-done' : status);
          if (attr(child(act, 'effectiveTime'), 'value') !== undefined) expect(p['performedDateTime']).toBeDefined();
          expect(p['subject']).toEqual(m.ctx.patient);
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }

  it('keeps the nine Patient-1 procedures that share one <id> as nine resources', () => {
    const p1 = mapped.find((m) => m.document === 'Patient-1.ccda')!;
    expect(new Set(p1.refs.map((r) => r.reference)).size).toBe(9);
    expect(p1.ctx.issues.map((i) => i.diagnostics)).toContain('reused-entry-id at Procedure');
  });

  it('maps body site, performer and location of the CCD colonoscopy', () => {
    const ccd = mapped.find((m) => m.document === 'C-CDA_R2-1_CCD.xml.ccda')!;
    const colonoscopy = resourcesOf(ccd.ctx, 'Procedure').find((p) => JSON.stringify(p['code']).includes('73761001'))!;
    expect(colonoscopy['status']).toBe('completed');
    expect(colonoscopy['performedDateTime']).toBe('2012-05-12');
    expect(JSON.stringify(colonoscopy['bodySite'])).toContain('485005');
    const actor = resolve(ccd.ctx, (colonoscopy['performer'] as { actor: { reference: string } }[])[0]!.actor);
    expect(['Practitioner', 'PractitionerRole', 'Organization']).toContain(actor.resourceType);
    const polypectomy = resourcesOf(ccd.ctx, 'Procedure').find((p) => JSON.stringify(p['code']).includes('274025005'))!;
    expect(polypectomy['status']).toBe('stopped');
    const location = resolve(ccd.ctx, polypectomy['location'] as { reference: string });
    expect(location).toMatchObject({ resourceType: 'Location', name: 'Community Gastroenterology Clinic' });
  });
});

describe('procedures section, focused cases', () => {
  it('keeps a negated procedure as not-done with its reasons, and a planned one as preparation with a warning', () => {
    const { refs, ctx } = mapInlineEntry(
      mapProceduresSection,
      `<procedure classCode="PROC" moodCode="EVN" negationInd="true"><id root="1.2.3" extension="p"/>
        <code code="80146002" codeSystem="2.16.840.1.113883.6.96"><originalText><reference value="#n1"/></originalText></code>
        <statusCode code="completed"/><effectiveTime><low value="20200101"/><high value="20200102"/></effectiveTime>
        <entryRelationship typeCode="RSON"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.19"/><code code="404684003" codeSystem="2.16.840.1.113883.6.96"/>
          <value xsi:type="CD" code="74400008" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship></procedure>`,
    );
    const p = resolve(ctx, refs[0]);
    expect(p['status']).toBe('not-done');
    expect(p['code']).toEqual({ coding: [{ system: 'http://snomed.info/sct', code: '80146002' }], text: 'narrative one' });
    expect(p['performedPeriod']).toEqual({ start: '2020-01-01', end: '2020-01-02' });
    expect(p['reasonCode']).toEqual([{ coding: [{ system: 'http://snomed.info/sct', code: '74400008' }] }]);
    expect(validationErrors(ctx)).toEqual([]);

    const planned = mapInlineEntry(
      mapProceduresSection,
      `<procedure classCode="PROC" moodCode="INT"><code code="80146002" codeSystem="2.16.840.1.113883.6.96"/></procedure>`,
    );
    expect(resolve(planned.ctx, planned.refs[0])['status']).toBe('preparation');
    expect(planned.ctx.issues.map((i) => i.diagnostics)).toEqual(['planned-act-in-event-section at procedures/entry[0]/procedure']);
  });
});

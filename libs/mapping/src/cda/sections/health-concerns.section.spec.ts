import { describe, expect, it } from 'vitest';
import { attr, child } from '@hie/cda';
import { mapHealthConcernsSection } from './health-concerns.section.js';
import { related } from './results.entries.js';
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

const HEALTH_CONCERN = [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/condition-category', code: 'health-concern' }] }];
const PRIORITY_PREFERENCE = '2.16.840.1.113883.10.20.22.4.143';
const RISK_CONCERN = '2.16.840.1.113883.10.20.22.4.136';
const mapped = mapCorpusSections('health-concerns', mapHealthConcernsSection);

describe('health concerns section over the corpus', () => {
  it('finds health concerns in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes a health-concern Condition per concern observation (a RiskAssessment per risk), coded with its value', () => {
        const made = m.refs.map((r) => resolve(m.ctx, r));
        const conditions = made.filter((r) => r.resourceType === 'Condition');
        for (const c of conditions) expect(c).toMatchObject({ category: HEALTH_CONCERN, subject: m.ctx.patient });
        const risks = made.filter((r) => r.resourceType === 'RiskAssessment');
        expect(conditions.length + risks.length).toBe(made.length);
        for (const act of entryActs(m.section)) {
          const isRisk = act.children.some((t) => t.name === 'templateId' && attr(t, 'root') === RISK_CONCERN);
          const observations = related(act).filter(
            (o) => o.name === 'observation' && !o.children.some((t) => t.name === 'templateId' && attr(t, 'root') === PRIORITY_PREFERENCE),
          );
          if (!observations.length) {
            const own = made.find((c) => carriesCode(c['code'], child(act, 'code'), m.ctx));
            expect(own).toBeDefined();
            if (attr(act, 'negationInd') === 'true') expect(own!['verificationStatus']).toMatchObject({ coding: [{ code: 'refuted' }] });
          }
          for (const obs of observations) {
            if (attr(child(obs, 'value'), 'code') === undefined) continue;
            const found = isRisk
              ? risks.find((r) => carriesCode((r['prediction'] as { outcome: unknown }[])[0]!.outcome, child(obs, 'value'), m.ctx))
              : conditions.find((c) => carriesCode(c['code'], child(obs, 'value'), m.ctx));
            expect(found, attr(child(obs, 'value'), 'code')).toBeDefined();
            if (isRisk) expect(carriesCode(found!['code'], child(act, 'code'), m.ctx)).toBe(true);
          }
        }
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('health concerns section, focused cases', () => {
  const concern = (status: string, inner: string): string =>
    `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.132"/><id root="1.2.3" extension="hc"/>
      <code code="75310-3" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="${status}"/><effectiveTime value="20230405"/>${inner}</act>`;
  const problem = (extra: string): string =>
    `<entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN">
      <templateId root="2.16.840.1.113883.10.20.22.4.4"/><id root="1.2.3" extension="p"/>
      <code code="75326-9" codeSystem="2.16.840.1.113883.6.1"/><text><reference value="#n1"/></text>
      <effectiveTime><low value="2022"/><high value="202301"/></effectiveTime>
      <value xsi:type="CD" code="233604007" codeSystem="2.16.840.1.113883.6.96"/>${extra}</observation></entryRelationship>`;

  it('takes the problem status, else the concern status, and keeps onset, abatement and recorded date', () => {
    const withStatus = mapInlineEntry(
      mapHealthConcernsSection,
      concern(
        'active',
        problem(`<entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN">
          <templateId root="2.16.840.1.113883.10.20.22.4.6"/><code code="33999-4" codeSystem="2.16.840.1.113883.6.1"/>
          <value xsi:type="CD" code="413322009" codeSystem="2.16.840.1.113883.6.96"/></observation></entryRelationship>`),
      ),
    );
    const c1 = resolve(withStatus.ctx, withStatus.refs[0]);
    expect(c1).toMatchObject({
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] },
      verificationStatus: { coding: [{ code: 'confirmed' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '233604007' }], text: 'narrative one' },
      onsetDateTime: '2022',
      abatementDateTime: '2023-01',
      recordedDate: '2023-04-05',
    });
    const fromConcern = mapInlineEntry(mapHealthConcernsSection, concern('suspended', problem('')));
    expect(resolve(fromConcern.ctx, fromConcern.refs[0])['clinicalStatus']).toMatchObject({ coding: [{ code: 'inactive' }] });
    expect(validationErrors(withStatus.ctx)).toEqual([]);
    expect(validationErrors(fromConcern.ctx)).toEqual([]);
  });

  it('refutes the concerns of a negated act and keeps only the narrative of an uncoded value', () => {
    const negated = mapInlineEntry(
      mapHealthConcernsSection,
      `<act classCode="ACT" moodCode="EVN" negationInd="true"><templateId root="2.16.840.1.113883.10.20.22.4.132"/>
        <code code="75310-3" codeSystem="2.16.840.1.113883.6.1"/><text><reference value="#n1"/></text><statusCode code="active"/>
        <entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN"><code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/>
          <text>worried about money</text><value xsi:type="CD" nullFlavor="OTH"/></observation></entryRelationship></act>`,
    );
    const c = resolve(negated.ctx, negated.refs[0]);
    expect(c['verificationStatus']).toMatchObject({ coding: [{ code: 'refuted' }] });
    expect(c['clinicalStatus']).toBeUndefined();
    expect(c['code']).toEqual({ text: 'worried about money' });
    expect(validationErrors(negated.ctx)).toEqual([]);
  });

  it('makes the risks of a Risk Concern Act RiskAssessments, never Conditions', () => {
    const { refs, ctx } = mapInlineEntry(
      mapHealthConcernsSection,
      `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.136"/><id root="1.2.3" extension="risk"/>
        <code code="281694009" codeSystem="2.16.840.1.113883.6.96" displayName="At risk for"/><statusCode code="active"/>
        <entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.4"/>
          <id root="1.2.3" extension="r1"/><code code="281694009" codeSystem="2.16.840.1.113883.6.96"/><statusCode code="completed"/>
          <effectiveTime><low value="20130613"/></effectiveTime>
          <value xsi:type="CD" code="363406005" codeSystem="2.16.840.1.113883.6.96" displayName="Malignant tumor of colon"/></observation></entryRelationship>
        <entryRelationship typeCode="REFR"><act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.3"/></act></entryRelationship>
      </act>`,
    );
    expect(refs).toHaveLength(1);
    expect(resolve(ctx, refs[0])).toMatchObject({
      resourceType: 'RiskAssessment',
      status: 'final',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '281694009' }] },
      occurrencePeriod: { start: '2013-06-13' },
      prediction: [{ outcome: { coding: [{ code: '363406005' }] } }],
    });
    expect(resourcesOf(ctx, 'Condition')).toEqual([]);
    // The nested problem concern act is not followed, and says so.
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toEqual(['unsupported-entry']);
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('warns about entries that are not acts', () => {
    const { refs, ctx } = mapInlineEntry(mapHealthConcernsSection, `<observation classCode="OBS" moodCode="EVN"/>`);
    expect(refs).toEqual([]);
    expect(ctx.issues).toHaveLength(1);
  });
});

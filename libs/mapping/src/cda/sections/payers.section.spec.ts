import { describe, expect, it } from 'vitest';
import { child, childrenNamed, textOf } from '@hie/cda';
import { mapPayersSection } from './payers.section.js';
import { danglingReferences, entryActs, mapCorpusSections, mapInlineEntry, resolve, resourcesOf, validationErrors } from './results.spec-helpers.js';

const mapped = mapCorpusSections('payers', mapPayersSection);

describe('payers section over the corpus', () => {
  it('finds payers in the corpus', () => {
    expect(mapped.filter((m) => m.refs.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  for (const m of mapped) {
    describe(m.document, () => {
      it('makes each policy a Coverage of the patient paid by the payer organization', () => {
        const policies = entryActs(m.section).flatMap((act) => childrenNamed(act, 'entryRelationship').map((er) => child(er, 'act')!));
        expect(m.refs).toHaveLength(policies.length);
        policies.forEach((policy, i) => {
          const coverage = resolve(m.ctx, m.refs[i]);
          expect(coverage).toMatchObject({ resourceType: 'Coverage', status: 'active', beneficiary: m.ctx.patient, subscriberId: '1138345' });
          const relationship = coverage['relationship'] as { coding: unknown[] };
          expect(relationship.coding[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' });
          expect(coverage['subscriber']).toEqual(m.ctx.patient);
          const payer = resolve(m.ctx, (coverage['payor'] as { reference: string }[])[0]);
          const orgName = textOf(child(child(child(childrenNamed(policy, 'performer')[0], 'assignedEntity'), 'representedOrganization'), 'name'));
          expect(payer).toMatchObject({ resourceType: 'Organization', name: orgName });
          expect((payer['identifier'] as unknown[]).length).toBeGreaterThan(0);
        });
        expect(danglingReferences(m.ctx)).toEqual([]);
      });

      it('makes resources the R4 validator accepts', () => {
        expect(validationErrors(m.ctx)).toEqual([]);
      });
    });
  }
});

describe('payers section, focused cases', () => {
  const coverageActivity = (policy: string): string =>
    `<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.60"/><id root="1.2.3" extension="cov"/>
      <code code="48768-6" codeSystem="2.16.840.1.113883.6.1"/><statusCode code="completed"/>
      <entryRelationship typeCode="COMP"><sequenceNumber value="2"/>${policy}</entryRelationship></act>`;

  it('maps type, order, period, the dependent’s relationship and member id', () => {
    const { refs, ctx } = mapInlineEntry(
      mapPayersSection,
      coverageActivity(`<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.61"/><id root="1.2.3" extension="pol"/>
        <code code="MCPOL" codeSystem="2.16.840.1.113883.5.4"/><statusCode code="completed"/>
        <performer typeCode="PRF"><templateId root="2.16.840.1.113883.10.20.22.4.87"/><assignedEntity>
          <id root="2.16.840.1.113883.6.300" extension="12345"/><code code="PAYOR" codeSystem="2.16.840.1.113883.5.110"/>
          <representedOrganization><name>Acme Health Plan</name></representedOrganization></assignedEntity></performer>
        <participant typeCode="COV"><templateId root="2.16.840.1.113883.10.20.22.4.89"/>
          <time><low value="20230101"/><high value="20231231"/></time>
          <participantRole classCode="PAT"><id root="1.2.3.4" extension="MEMBER-2"/><code code="FAMDEP" codeSystem="2.16.840.1.113883.5.111"/></participantRole></participant>
        <participant typeCode="HLD"><templateId root="2.16.840.1.113883.10.20.22.4.90"/>
          <participantRole><id root="1.2.3.4" extension="MEMBER-1"/></participantRole></participant>
      </act>`),
    );
    const coverage = resolve(ctx, refs[0]);
    expect(coverage).toMatchObject({
      status: 'active',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'MCPOL' }] },
      subscriberId: 'MEMBER-1',
      relationship: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'other' },
          { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FAMDEP' },
        ],
      },
      period: { start: '2023-01-01', end: '2023-12-31' },
      order: 2,
    });
    // Only a covered party who is the subscriber makes the patient the subscriber.
    expect(coverage['subscriber']).toBeUndefined();
    expect(resolve(ctx, (coverage['payor'] as { reference: string }[])[0])).toMatchObject({
      name: 'Acme Health Plan',
      identifier: [{ value: '12345' }],
    });
    expect(validationErrors(ctx)).toEqual([]);
  });

  it('skips a policy without any payer, with a warning', () => {
    const { refs, ctx } = mapInlineEntry(
      mapPayersSection,
      coverageActivity(`<act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.61"/><id root="1.2.3" extension="p2"/>
        <code nullFlavor="UNK"/><statusCode code="completed"/></act>`),
    );
    expect(refs).toEqual([]);
    expect(resourcesOf(ctx, 'Coverage')).toEqual([]);
    expect(ctx.issues.map((i) => i.details?.coding?.[0]?.code)).toEqual(['coverage-without-payor']);
  });
});

import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { cleanString, codeableConcept, identifiers, organizationOf, periodOf } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { payerOrganizationOf } from './payers.payor.js';
import { PLAN_TEMPLATE } from './plan-of-treatment.entries.js';
import { entryResourceId, hasTemplate, sectionEntries, statusCodeOf, uniqueReferences } from './results.entries.js';

/** One Policy Activity with what places it: its position among the coverage's policies. */
interface Policy {
  readonly act: XmlElement;
  readonly order: number | undefined;
  readonly fallback: readonly string[];
  readonly path: string;
}

/**
 * Payers section: each Policy Activity of a Coverage Activity → Coverage: status through
 * `policy-status-to-coverage-status`, type = the policy's code (health insurance type, with its
 * payer-typology translation), subscriberId (the policy holder's member id, else the covered
 * party's), beneficiary = the patient, relationship through
 * `coverage-role-to-subscriber-relationship` (the covered party's role), period (the covered
 * party's time), payor = the Payer Performer's organization (required: else any performer's
 * represented organization; a policy with no payer at all is skipped with a warning), order from
 * the sequenceNumber. The Coverage Activity itself only groups its policies.
 */
export const mapPayersSection: SectionMapper = (section, ctx) => {
  const refs: (Reference | undefined)[] = [];
  for (const entry of sectionEntries(section, 'payers')) {
    for (const policy of policiesOf(entry.act, entry.fallback, entry.path)) refs.push(mapCoverage(policy, ctx));
  }
  return uniqueReferences(refs);
};

/** The Policy Activities of a Coverage Activity (COMP), or the entry itself when it is a policy. */
function policiesOf(act: XmlElement, fallback: readonly string[], path: string): Policy[] {
  if (hasTemplate(act, PLAN_TEMPLATE.policyActivity)) return [{ act, order: undefined, fallback, path }];
  const out: Policy[] = [];
  childrenNamed(act, 'entryRelationship').forEach((er, i) => {
    const policy = child(er, 'act');
    if (!policy || attr(er, 'typeCode') !== 'COMP') return;
    const seq = Number(attr(child(er, 'sequenceNumber'), 'value'));
    out.push({
      act: policy,
      order: Number.isInteger(seq) && seq > 0 ? seq : undefined,
      fallback: [...fallback, String(i)],
      path: `${path}/entryRelationship[${i}]/act`,
    });
  });
  return out;
}

function mapCoverage(policy: Policy, ctx: CdaContext): Reference | undefined {
  const act = policy.act;
  const payor = payorOf(act, ctx);
  if (!payor) {
    ctx.warn('coverage-without-payor', policy.path);
    return undefined;
  }
  const covered = participantRoleOf(act, 'COV', PLAN_TEMPLATE.coveredParty);
  const holder = participantRoleOf(act, 'HLD', PLAN_TEMPLATE.policyHolder);
  const type = codeableConcept(child(act, 'code'), ctx);
  const resource: FhirResource = {
    resourceType: 'Coverage',
    id: entryResourceId('Coverage', act, ctx, policy.fallback, { field: 'type', value: type }),
  };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default (active).
  resource['status'] = ctx.tables.valueMap('policy-status-to-coverage-status', statusCodeOf(act) ?? '') ?? 'active';
  if (type) resource['type'] = type;
  const relationship = relationshipOf(covered, ctx);
  const subscriberId = memberId(holder) ?? memberId(covered);
  // The subscriber is only known to be the patient when the covered party is the subscriber.
  if (relationship?.coding?.[0]?.code === 'self') resource['subscriber'] = ctx.patient;
  if (subscriberId !== undefined) resource['subscriberId'] = subscriberId;
  resource['beneficiary'] = ctx.patient;
  if (relationship) resource['relationship'] = relationship;
  const period = periodOf(child(participantOf(act, 'COV', PLAN_TEMPLATE.coveredParty), 'time'));
  if (period) resource['period'] = period;
  resource['payor'] = [payor];
  if (policy.order !== undefined) resource['order'] = policy.order;
  return ctx.add(resource);
}

/** The Payer Performer's organization; else any performer's represented organization. */
function payorOf(act: XmlElement, ctx: CdaContext): Reference | undefined {
  const performers = childrenNamed(act, 'performer');
  const payer =
    performers.find((p) => hasTemplate(p, PLAN_TEMPLATE.payerPerformer)) ??
    performers.find((p) => attr(child(child(p, 'assignedEntity'), 'code'), 'code') === 'PAYOR');
  const fromPayer = payerOrganizationOf(child(payer, 'assignedEntity'), ctx);
  if (fromPayer) return fromPayer;
  for (const p of performers) {
    if (hasTemplate(p, PLAN_TEMPLATE.guarantorPerformer)) continue;
    const org = organizationOf(child(child(p, 'assignedEntity'), 'representedOrganization'), ctx);
    if (org) return org;
  }
  return undefined;
}

/** The participant of this type (preferring the one carrying the template). */
function participantOf(act: XmlElement, typeCode: string, template: string): XmlElement | undefined {
  const ofType = childrenNamed(act, 'participant').filter((p) => attr(p, 'typeCode') === typeCode);
  return ofType.find((p) => hasTemplate(p, template)) ?? ofType[0];
}

function participantRoleOf(act: XmlElement, typeCode: string, template: string): XmlElement | undefined {
  return child(participantOf(act, typeCode, template), 'participantRole');
}

/** The member id: the first participant id with an extension (the root only names the issuer). */
function memberId(role: XmlElement | undefined): string | undefined {
  for (const id of childrenNamed(role, 'id')) {
    const ext = cleanString(attr(id, 'extension'));
    if (ext !== undefined) return ext;
  }
  return undefined;
}

/** Coverage.relationship: the covered party's role through the table, then the role code as sent. */
function relationshipOf(covered: XmlElement | undefined, ctx: CdaContext): CodeableConcept | undefined {
  const roleCode = child(covered, 'code');
  const code = cleanString(attr(roleCode, 'code'));
  if (code === undefined) return undefined;
  const mapped = ctx.tables.valueMap('coverage-role-to-subscriber-relationship', code);
  const system = ctx.tables.valueSystem('coverage-role-to-subscriber-relationship');
  const source = codeableConcept(roleCode, ctx);
  const coding = [...(mapped !== undefined && system !== undefined ? [{ system, code: mapped }] : []), ...(source?.coding ?? [])];
  return coding.length ? { coding } : undefined;
}

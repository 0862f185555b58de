import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { dataAbsentReason, dateTimeOf, deviceOf, organizationOf, practitionerOf, type Reference } from '../cda-datatypes.js';

/**
 * Composition.author from every `author`: a person → Practitioner (+ PractitionerRole), an
 * authoring device → Device, else the represented organization. Composition.author is
 * required: with none usable, one data-absent reference.
 */
export function mapAuthors(doc: XmlElement, ctx: CdaContext): Reference[] {
  const out: Reference[] = [];
  for (const author of childrenNamed(doc, 'author')) {
    const assigned = child(author, 'assignedAuthor');
    const ref = child(assigned, 'assignedPerson')
      ? practitionerOf(assigned, ctx)
      : child(assigned, 'assignedAuthoringDevice')
        ? deviceOf(assigned, ctx)
        : organizationOf(child(assigned, 'representedOrganization'), ctx);
    if (!ref) {
      ctx.warn('author-unusable', 'ClinicalDocument/author');
      continue;
    }
    if (!out.some((r) => r.reference === ref.reference)) out.push(ref);
  }
  if (!out.length) return [{ extension: [dataAbsentReason(undefined, ctx)] }];
  return out;
}

/** Composition.attester: legalAuthenticator (mode legal) and each authenticator (professional). */
export function mapAttesters(doc: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (el: XmlElement | undefined, mode: string): void => {
    if (!el) return;
    const attester: Record<string, unknown> = { mode };
    const time = dateTimeOf(child(el, 'time'));
    if (time !== undefined) attester['time'] = time;
    const assigned = child(el, 'assignedEntity');
    const party = practitionerOf(assigned, ctx) ?? organizationOf(child(assigned, 'representedOrganization'), ctx);
    if (party) attester['party'] = party;
    // A signature code of S (signed) or none: the attestation stands; others are not attestations.
    const signature = attr(child(el, 'signatureCode'), 'code');
    if (signature !== undefined && signature !== 'S') return;
    out.push(attester);
  };
  add(child(doc, 'legalAuthenticator'), 'legal');
  for (const a of childrenNamed(doc, 'authenticator')) add(a, 'professional');
  return out;
}

/** The custodian organization (assignedCustodian/representedCustodianOrganization). */
export function mapCustodian(doc: XmlElement, ctx: CdaContext): Reference | undefined {
  return organizationOf(child(child(child(doc, 'custodian'), 'assignedCustodian'), 'representedCustodianOrganization'), ctx);
}

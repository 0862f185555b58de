import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, organizationOf, practitionerOf } from '../cda-datatypes.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';

/*
 * Entry plumbing shared by the section mappers (walking entries, ids for reused CDA ids, actors,
 * status, negation, indications). Named after the results mapper, its first user, as the section
 * folder's naming asks.
 */

/** C-CDA templates (R2.1 and R1.1 share the roots) the section mappers dispatch on. */
export const TEMPLATE = {
  resultOrganizer: '2.16.840.1.113883.10.20.22.4.1',
  resultObservation: '2.16.840.1.113883.10.20.22.4.2',
  vitalSignsOrganizer: '2.16.840.1.113883.10.20.22.4.26',
  vitalSignObservation: '2.16.840.1.113883.10.20.22.4.27',
  immunizationActivity: '2.16.840.1.113883.10.20.22.4.52',
  immunizationRefusalReason: '2.16.840.1.113883.10.20.22.4.53',
  indication: '2.16.840.1.113883.10.20.22.4.19',
  encounterDiagnosis: '2.16.840.1.113883.10.20.22.4.80',
  problemObservation: '2.16.840.1.113883.10.20.22.4.4',
  serviceDeliveryLocation: '2.16.840.1.113883.10.20.22.4.32',
} as const;

/** The clinical statement of each `<entry>` of a section, with its position (for fallback ids and warning paths). */
export interface SectionEntry {
  /** observation, organizer, substanceAdministration, procedure, act, encounter... */
  readonly act: XmlElement;
  /** 0-based position among the section's entries. */
  readonly index: number;
  /** PHI-free path for warnings, e.g. `results/entry[2]/organizer`. */
  readonly path: string;
  /** Fallback id parts for an entry without a usable `<id>`: section key and position. */
  readonly fallback: readonly string[];
}

/** The entries of a section, each with its one clinical statement (an entry holds exactly one). */
export function sectionEntries(section: XmlElement, kind: string): SectionEntry[] {
  const key = sectionKey(section);
  const out: SectionEntry[] = [];
  childrenNamed(section, 'entry').forEach((entry, index) => {
    const act = entry.children.find((c) => c.name !== 'templateId' && c.name !== 'realmCode' && c.name !== 'typeId');
    if (!act) return;
    out.push({ act, index, path: `${kind}/entry[${index}]/${act.name}`, fallback: [key, String(index)] });
  });
  return out;
}

/** What tells a section apart inside its document when entries lack ids: its code, else its template. */
function sectionKey(section: XmlElement): string {
  const code = attr(child(section, 'code'), 'code');
  if (code !== undefined) return `section:${code}`;
  const root = attr(child(section, 'templateId'), 'root');
  return root !== undefined ? `section-template:${root}` : 'section';
}

/** The templateId roots of an element. */
export function templateRoots(element: XmlElement | undefined): string[] {
  const out: string[] = [];
  for (const t of childrenNamed(element, 'templateId')) {
    const root = attr(t, 'root');
    if (root !== undefined) out.push(root.trim());
  }
  return out;
}

/** True when the element declares the template (any version of it). */
export function hasTemplate(element: XmlElement | undefined, root: string): boolean {
  return templateRoots(element).includes(root);
}

/** The clinical statements under `entryRelationship`s of this type code (all when `typeCode` is omitted). */
export function related(element: XmlElement, typeCode?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const er of childrenNamed(element, 'entryRelationship')) {
    if (typeCode !== undefined && attr(er, 'typeCode') !== typeCode) continue;
    for (const c of er.children) if (c.name !== 'sequenceNumber' && c.name !== 'seperatableInd') out.push(c);
  }
  return out;
}

/**
 * Gives an entry's resource its id and adds it to ctx. The id is `ctx.entryId` (from the CDA
 * `<id>`), unless a resource of this type already holds that id with a different identity (the
 * listed fields: code, time, value...). Some senders reuse one `<id>` for distinct acts; keeping
 * only the first would silently drop the others, so a later act gets an id derived from the CDA
 * id and its identity, and a warning records the reuse. The same act seen twice (same id, same
 * identity) keeps one id, so it is one resource. Mappers build the resource with `id: ''` (a
 * placeholder that keeps `id` second in key order) and call this last.
 */
export function addEntry(
  resource: FhirResource,
  element: XmlElement,
  ctx: CdaContext,
  fallback: readonly string[],
  identity: readonly string[],
): Reference {
  const type = resource.resourceType;
  let id = ctx.entryId(type, element, ...fallback);
  const existing = ctx.get({ reference: `${type}/${id}` });
  if (existing) {
    const mine = identityKey(resource, identity);
    if (identityKey(existing, identity) !== mine) {
      ctx.warn('reused-entry-id', type);
      id = ctx.id(type, 'reused-id', id, mine);
    }
  }
  resource.id = id;
  return ctx.add(resource);
}

/**
 * The resource id of an entry when one field tells its acts apart (the older form of
 * {@link addEntry}, which compares several fields of the finished resource): `ctx.entryId`, unless
 * a resource of this type already holds that id with a different `identity.value` in
 * `identity.field`; then an id derived from the CDA id and that value, with a warning.
 */
export function entryResourceId(
  type: string,
  element: XmlElement,
  ctx: CdaContext,
  fallback: readonly string[],
  identity: { readonly field: string; readonly value: unknown },
): string {
  const id = ctx.entryId(type, element, ...fallback);
  const existing = ctx.get({ reference: `${type}/${id}` });
  if (!existing) return id;
  const mine = JSON.stringify(identity.value ?? null);
  if (JSON.stringify(existing[identity.field] ?? null) === mine) return id;
  ctx.warn('reused-entry-id', type);
  return ctx.id(type, 'reused-id', id, mine);
}

/** Both sides are built by the same code, so their key order matches and JSON text compares them. */
function identityKey(resource: FhirResource, fields: readonly string[]): string {
  return JSON.stringify(fields.map((f) => resource[f] ?? null));
}

/** References without repeats, in first-seen order (one act may be reached twice). */
export function uniqueReferences(refs: readonly (Reference | undefined)[]): Reference[] {
  const seen = new Set<string>();
  const out: Reference[] = [];
  for (const r of refs) {
    if (!r?.reference || seen.has(r.reference)) continue;
    seen.add(r.reference);
    out.push(r);
  }
  return out;
}

/**
 * Who did or recorded an act: each `performer/assignedEntity` and `author/assignedAuthor` as a
 * Practitioner (or PractitionerRole), else its organization. Devices are not performers here.
 */
export function actorsOf(act: XmlElement, ctx: CdaContext, roles: readonly ('performer' | 'author')[]): Reference[] {
  const refs: (Reference | undefined)[] = [];
  for (const role of roles) {
    const assignedName = role === 'performer' ? 'assignedEntity' : 'assignedAuthor';
    for (const p of childrenNamed(act, role)) {
      const assigned = child(p, assignedName);
      if (!assigned) continue;
      refs.push(practitionerOf(assigned, ctx) ?? organizationOf(child(assigned, 'representedOrganization'), ctx));
    }
  }
  return uniqueReferences(refs);
}

/** True when the act is negated (`negationInd="true"`): it did not happen / is not so. */
export function isNegated(act: XmlElement): boolean {
  return attr(act, 'negationInd')?.trim() === 'true';
}

/** The act's statusCode code, if any. */
export function statusCodeOf(act: XmlElement): string | undefined {
  return attr(child(act, 'statusCode'), 'code')?.trim() || undefined;
}

/** Indications (RSON observations, template 4.19): the problem each value names is a reason for the act. */
export function indicationsOf(act: XmlElement, ctx: CdaContext): CodeableConcept[] {
  const out: CodeableConcept[] = [];
  for (const r of related(act, 'RSON')) {
    if (r.name !== 'observation' || !hasTemplate(r, TEMPLATE.indication)) continue;
    const reason = codeableConcept(child(r, 'value'), ctx);
    if (reason && !out.some((x) => JSON.stringify(x) === JSON.stringify(reason))) out.push(reason);
  }
  return out;
}

import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import type { Reference } from '../fhir-datatypes.model.js';
import { codeableConcept } from './coded.datatype.js';
import { addresses, humanNames, telecoms } from './demographics.datatype.js';
import { identifiers } from './identifier.datatype.js';

/** The first `<id>` with a root and no nullFlavor. */
function usableId(element: XmlElement): XmlElement | undefined {
  for (const c of element.children) if (c.name === 'id' && c.attributes['root'] !== undefined && c.attributes['nullFlavor'] === undefined) return c;
  return undefined;
}

/**
 * The reference of a participant already made in this document under the id its `<id>` gives,
 * so the many entries naming the same author do not rebuild it (the first one made is kept).
 */
function existing(type: string, element: XmlElement, ctx: CdaContext): { id: string; reference?: Reference } | undefined {
  if (!usableId(element)) return undefined;
  const id = ctx.entryId(type, element);
  const key = `${type}/${id}`;
  return ctx.resources.has(key) ? { id, reference: { reference: key } } : { id };
}

/**
 * Organization from a CDA organization (representedOrganization, serviceProviderOrganization,
 * representedCustodianOrganization...): identifiers, name, telecoms, addresses. Undefined when
 * it has neither a usable id nor a name.
 */
export function organizationOf(org: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  if (!org || attr(org, 'nullFlavor') !== undefined) return undefined;
  const known = existing('Organization', org, ctx);
  if (known?.reference) return known.reference;
  const names = childrenNamed(org, 'name').filter((n) => attr(n, 'nullFlavor') === undefined).map((n) => textOf(n)).filter((n) => n);
  const identifier = identifiers(childrenNamed(org, 'id'), ctx);
  if (!names.length && !identifier.length) return undefined;
  // Without a usable id, the name is what identifies it.
  const id = known?.id ?? (names.length ? ctx.id('Organization', 'cda-name', names.join('\u001f')) : undefined);
  if (id === undefined) return undefined;
  const resource: FhirResource = { resourceType: 'Organization', id };
  if (identifier.length) resource['identifier'] = identifier;
  resource['active'] = true;
  if (names.length) resource['name'] = names[0];
  if (names.length > 1) resource['alias'] = names.slice(1);
  // org-2, org-3: an organization's address and telecom are never of use home.
  const telecom = telecoms(childrenNamed(org, 'telecom'), ctx).map((t) => (t.use === 'home' ? withoutUse(t) : t));
  if (telecom.length) resource['telecom'] = telecom;
  const address = addresses(childrenNamed(org, 'addr'), ctx).map((a) => (a.use === 'home' ? withoutUse(a) : a));
  if (address.length) resource['address'] = address;
  return ctx.add(resource);
}

function withoutUse<T extends { use?: string }>(value: T): T {
  const { use: _dropped, ...rest } = value;
  return rest as T;
}

/**
 * Practitioner for an assignedAuthor / assignedEntity (ids, assignedPerson's names, telecoms,
 * addresses) and, when it has a role code or a represented organization, a PractitionerRole
 * joining them. Returns the reference to use: the PractitionerRole if made, else the
 * Practitioner; undefined when there is no person to speak of (no usable id and no name).
 */
export function practitionerOf(assigned: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  if (!assigned || attr(assigned, 'nullFlavor') !== undefined) return undefined;
  // The same author is named on most entries: its id, role code and organization say who it is.
  const idEl = usableId(assigned);
  if (!idEl) return makePractitioner(assigned, ctx);
  const code = child(assigned, 'code');
  const org = child(assigned, 'representedOrganization');
  const orgId = org ? usableId(org) : undefined;
  const key = [
    'practitionerOf', idEl.attributes['root'], idEl.attributes['extension'], code?.attributes['code'], code?.attributes['codeSystem'],
    org ? (orgId ? `${orgId.attributes['root']}|${orgId.attributes['extension'] ?? ''}` : textOf(child(org, 'name'))) : '',
  ].join('\u001f');
  return ctx.memo(key, () => makePractitioner(assigned, ctx));
}

function makePractitioner(assigned: XmlElement, ctx: CdaContext): Reference | undefined {
  const known = existing('Practitioner', assigned, ctx);
  let id = known?.id;
  let practitionerRef = known?.reference;
  if (!practitionerRef) {
    const person = child(assigned, 'assignedPerson') ?? child(assigned, 'associatedPerson');
    const name = humanNames(childrenNamed(person, 'name'), ctx);
    const identifier = identifiers(childrenNamed(assigned, 'id'), ctx);
    if (!name.length && !identifier.length) return undefined;
    // Without a usable id, the name is what identifies the person.
    id ??= name.length ? ctx.id('Practitioner', 'cda-name', JSON.stringify(name)) : undefined;
    if (id === undefined) return undefined;
    const practitioner: FhirResource = { resourceType: 'Practitioner', id };
    if (identifier.length) practitioner['identifier'] = identifier;
    if (name.length) practitioner['name'] = name;
    const telecom = telecoms(childrenNamed(assigned, 'telecom'), ctx);
    if (telecom.length) practitioner['telecom'] = telecom;
    const address = addresses(childrenNamed(assigned, 'addr'), ctx);
    if (address.length) practitioner['address'] = address;
    practitionerRef = ctx.add(practitioner);
  }
  if (id === undefined) return undefined;

  const organization = organizationOf(child(assigned, 'representedOrganization'), ctx);
  const code = codeableConcept(child(assigned, 'code'), ctx);
  if (!organization && !code) return practitionerRef;
  const roleId = ctx.id('PractitionerRole', id, organization?.reference ?? '', JSON.stringify(code ?? ''));
  const role: FhirResource = { resourceType: 'PractitionerRole', id: roleId, practitioner: practitionerRef };
  if (organization) role['organization'] = organization;
  if (code) role['code'] = [code];
  return ctx.add(role);
}

/**
 * Device for an assignedAuthoringDevice (software or machine author): model and software names.
 * Undefined when it names nothing.
 */
export function deviceOf(assigned: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  const device = child(assigned, 'assignedAuthoringDevice');
  if (!assigned || !device) return undefined;
  const deviceName: { name: string; type: string }[] = [];
  const model = textOf(child(device, 'manufacturerModelName'));
  if (model) deviceName.push({ name: model, type: 'model-name' });
  const software = textOf(child(device, 'softwareName'));
  if (software) deviceName.push({ name: software, type: 'user-friendly-name' });
  const identifier = identifiers(childrenNamed(assigned, 'id'), ctx);
  if (!deviceName.length && !identifier.length) return undefined;
  const id = usableId(assigned) ? ctx.entryId('Device', assigned) : ctx.id('Device', 'cda-name', model, software);
  const resource: FhirResource = { resourceType: 'Device', id };
  if (identifier.length) resource['identifier'] = identifier;
  if (deviceName.length) resource['deviceName'] = deviceName;
  const owner = organizationOf(child(assigned, 'representedOrganization'), ctx);
  if (owner) resource['owner'] = owner;
  return ctx.add(resource);
}

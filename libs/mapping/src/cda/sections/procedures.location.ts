import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { addresses, codeableConcept, identifiers, telecoms } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';

/**
 * Location for each `participant typeCode="LOC"` (Service Delivery Location, a participantRole)
 * of an act: identifiers, name (playingEntity), type (the HSLOC or other code), telecom,
 * address. A location with no id, name, type nor address is skipped.
 */
export function locationsOf(act: XmlElement, ctx: CdaContext): Reference[] {
  const out: Reference[] = [];
  for (const p of childrenNamed(act, 'participant')) {
    if (attr(p, 'typeCode') !== 'LOC') continue;
    const ref = locationOf(child(p, 'participantRole'), ctx);
    if (ref && !out.some((r) => r.reference === ref.reference)) out.push(ref);
  }
  return out;
}

function locationOf(role: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  if (!role || attr(role, 'nullFlavor') !== undefined) return undefined;
  const identifier = identifiers(childrenNamed(role, 'id'), ctx);
  const names = childrenNamed(child(role, 'playingEntity'), 'name')
    .filter((n) => attr(n, 'nullFlavor') === undefined)
    .map((n) => textOf(n))
    .filter((n) => n);
  const type = codeableConcept(child(role, 'code'), ctx);
  const address = addresses(childrenNamed(role, 'addr'), ctx);
  if (!identifier.length && !names.length && !type && !address.length) return undefined;
  // Without an id, a place is what it is called, what kind it is and where: same ones, same Location.
  const hasId = childrenNamed(role, 'id').some((i) => attr(i, 'root') !== undefined && attr(i, 'nullFlavor') === undefined);
  const id = hasId
    ? ctx.entryId('Location', role)
    : ctx.id('Location', 'cda-place', names.join('\u001f'), JSON.stringify(type ?? ''), JSON.stringify(address[0] ?? ''));
  const resource: FhirResource = { resourceType: 'Location', id };
  if (identifier.length) resource['identifier'] = identifier;
  if (names.length) resource['name'] = names[0];
  if (names.length > 1) resource['alias'] = names.slice(1);
  resource['mode'] = 'instance';
  if (type) resource['type'] = [type];
  const telecom = telecoms(childrenNamed(role, 'telecom'), ctx);
  if (telecom.length) resource['telecom'] = telecom;
  if (address.length) resource['address'] = address[0];
  return ctx.add(resource);
}

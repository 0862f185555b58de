import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { addresses, identifiers, telecoms } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';

/**
 * The payer of a Payer Performer (`assignedEntity`) → Organization: the payer's ids sit on the
 * assignedEntity (the insurer's id, e.g. its NAIC number) and its name on the
 * representedOrganization, so both are joined; telecom and address from the organization, else the
 * assignedEntity. The id follows the ids (the same insurer across documents is one resource), else
 * the name. Undefined when the payer has neither ids nor a name.
 */
export function payerOrganizationOf(assigned: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  if (!assigned || attr(assigned, 'nullFlavor') !== undefined) return undefined;
  const org = child(assigned, 'representedOrganization');
  const idElements = [...childrenNamed(assigned, 'id'), ...childrenNamed(org, 'id')];
  const identifier = identifiers(idElements, ctx);
  const name = childrenNamed(org, 'name')
    .map((n) => textOf(n))
    .find((n) => n);
  if (!identifier.length && name === undefined) return undefined;
  const usable = idElements.find((i) => attr(i, 'root') !== undefined && attr(i, 'nullFlavor') === undefined);
  const id = usable
    ? ctx.id('Organization', 'cda-id', attr(usable, 'root') ?? '', attr(usable, 'extension') ?? '')
    : ctx.id('Organization', 'cda-name', name ?? '');
  const resource: FhirResource = { resourceType: 'Organization', id };
  if (identifier.length) resource['identifier'] = identifier;
  resource['active'] = true;
  if (name !== undefined) resource['name'] = name;
  const telecom = telecoms(childrenNamed(org, 'telecom'), ctx);
  const telecomOrAssigned = telecom.length ? telecom : telecoms(childrenNamed(assigned, 'telecom'), ctx);
  if (telecomOrAssigned.length) resource['telecom'] = telecomOrAssigned;
  const address = addresses(childrenNamed(org, 'addr'), ctx);
  const addressOrAssigned = address.length ? address : addresses(childrenNamed(assigned, 'addr'), ctx);
  if (addressOrAssigned.length) resource['address'] = addressOrAssigned;
  return ctx.add(resource);
}

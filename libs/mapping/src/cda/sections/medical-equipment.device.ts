import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { cleanString, codeableConcept, identifiers } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';
import { entryResourceId } from './results.entries.js';

/** FDA UDI issuing root: an `<id>` under it carries the device's UDI (human-readable form) as extension. */
const FDA_UDI_ROOT = '2.16.840.1.113883.3.3719';
/** GS1 device identifier inside a human-readable UDI: `(01)` followed by the 14-digit GTIN. */
const GS1_DI = /\(01\)(\d{14})/;

/**
 * The device of a Product Instance (participantRole with a playingDevice: a supply's or a
 * procedure's device participant) → Device for the patient: identifiers, UDI carrier (FDA UDI
 * ids), type from playingDevice/code, model name, manufacturer (scopingEntity). The id comes from
 * the role's `<id>`s (the same device across documents is one resource; an id reused for another
 * kind of device gets its own), else from `fallback`.
 */
export function productDeviceOf(role: XmlElement | undefined, ctx: CdaContext, fallback: readonly string[]): Reference {
  const device = child(role, 'playingDevice');
  const type = codeableConcept(child(device, 'code'), ctx);
  const resource: FhirResource = {
    resourceType: 'Device',
    id: role
      ? entryResourceId('Device', role, ctx, fallback, { field: 'type', value: type })
      : ctx.id('Device', 'cda-doc', ctx.documentKey, ...fallback),
  };
  const ids = childrenNamed(role, 'id');
  const identifier = identifiers(ids, ctx);
  if (identifier.length) resource['identifier'] = identifier;
  const udi = udiCarriers(ids);
  if (udi.length) resource['udiCarrier'] = udi;
  const manufacturer = cleanString(textOf(child(child(role, 'scopingEntity'), 'desc')));
  if (manufacturer !== undefined) resource['manufacturer'] = manufacturer;
  const model = cleanString(textOf(child(device, 'manufacturerModelName')));
  if (model !== undefined) resource['deviceName'] = [{ name: model, type: 'model-name' }];
  if (type) resource['type'] = type;
  resource['patient'] = ctx.patient;
  return ctx.add(resource);
}

/** Device.udiCarrier for ids under the FDA UDI root: the UDI as printed, with its GS1 device identifier when found. */
function udiCarriers(ids: readonly XmlElement[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const id of ids) {
    if (attr(id, 'root')?.trim() !== FDA_UDI_ROOT) continue;
    const hrf = cleanString(attr(id, 'extension'));
    if (hrf === undefined) continue;
    const carrier: Record<string, string> = {};
    const di = GS1_DI.exec(hrf)?.[1];
    if (di !== undefined) carrier['deviceIdentifier'] = di;
    carrier['carrierHRF'] = hrf;
    out.push(carrier);
  }
  return out;
}

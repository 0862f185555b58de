import { child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, dateTimeOf, effectiveOf, identifiers } from '../cda-datatypes.js';
import type { Reference } from '../fhir-datatypes.model.js';
import type { SectionMapper } from './section-mapper.js';
import { productDeviceOf } from './medical-equipment.device.js';
import { authoredOn, codeWithText } from './plan-of-treatment.entries.js';
import { productRoleOf } from './plan-of-treatment.request.js';
import { actorsOf, entryResourceId, isNegated, sectionEntries, statusCodeOf, uniqueReferences } from './results.entries.js';

/**
 * Medical Equipment section (and Procedure Implants): each Non-Medicinal Supply Activity → Device
 * (type from playingDevice/code, UDI, model, manufacturer, patient) + DeviceUseStatement (status
 * through `supply-status-to-device-use-status`, timing from effectiveTime); each Procedure Activity
 * Procedure (an implant, say) → Procedure (status through `procedure-status-to-event-status`,
 * not-done when negated: "no implanted devices") with its devices as focalDevice; a Medical
 * Equipment Organizer → List (its code, e.g. Implants) of what it groups. Returns, per entry, the
 * List (when an organizer) then the statements and procedures.
 */
export const mapMedicalEquipmentSection: SectionMapper = (section, ctx) => {
  const refs: (Reference | undefined)[] = [];
  for (const entry of sectionEntries(section, 'medical-equipment')) {
    if (entry.act.name === 'organizer') {
      const members: (Reference | undefined)[] = [];
      childrenNamed(entry.act, 'component').forEach((component, i) => {
        const act = component.children.find((c) => c.name !== 'sequenceNumber');
        if (act) members.push(mapEquipment(act, ctx, [...entry.fallback, String(i)], `${entry.path}/component[${i}]/${act.name}`));
      });
      const items = uniqueReferences(members);
      if (items.length) refs.push(mapEquipmentList(entry.act, items, ctx, entry.fallback));
      refs.push(...items);
    } else refs.push(mapEquipment(entry.act, ctx, entry.fallback, entry.path));
  }
  return uniqueReferences(refs);
};

function mapEquipment(act: XmlElement, ctx: CdaContext, fallback: readonly string[], path: string): Reference | undefined {
  if (act.name === 'supply') return mapDeviceUse(act, ctx, fallback, path);
  if (act.name === 'procedure') return mapDeviceProcedure(act, ctx, fallback);
  ctx.warn('unsupported-entry', path);
  return undefined;
}

/** A Non-Medicinal Supply Activity → Device + DeviceUseStatement (returned). */
function mapDeviceUse(supply: XmlElement, ctx: CdaContext, fallback: readonly string[], path: string): Reference | undefined {
  const role = productRoleOf(supply);
  if (!role) {
    ctx.warn('supply-without-device', path);
    return undefined;
  }
  if (isNegated(supply)) {
    // A statement of use cannot say "not used", and a Device for the patient would say the opposite.
    ctx.warn('negated-supply', path);
    return undefined;
  }
  const device = productDeviceOf(role, ctx, [...fallback, 'device']);
  const resource: FhirResource = {
    resourceType: 'DeviceUseStatement',
    id: entryResourceId('DeviceUseStatement', supply, ctx, fallback, { field: 'device', value: device }),
  };
  const identifier = identifiers(childrenNamed(supply, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  // '' (no statusCode) gets the table's default (completed): a recorded supply.
  resource['status'] = ctx.tables.valueMap('supply-status-to-device-use-status', statusCodeOf(supply) ?? '') ?? 'completed';
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(supply, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) resource['timingDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) resource['timingPeriod'] = effective.effectivePeriod;
  const recorded = authoredOn(supply);
  if (recorded !== undefined) resource['recordedOn'] = recorded;
  const source = actorsOf(supply, ctx, ['author'])[0];
  if (source) resource['source'] = source;
  resource['device'] = device;
  return ctx.add(resource);
}

/** A Procedure Activity Procedure of the equipment section → Procedure with its devices as focalDevice. */
function mapDeviceProcedure(proc: XmlElement, ctx: CdaContext, fallback: readonly string[]): Reference {
  const code = codeWithText(proc, ctx);
  const resource: FhirResource = {
    resourceType: 'Procedure',
    id: entryResourceId('Procedure', proc, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(proc, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = isNegated(proc)
    ? 'not-done'
    : (ctx.tables.valueMap('procedure-status-to-event-status', statusCodeOf(proc) ?? '') ?? 'unknown');
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  const effective = effectiveOf(child(proc, 'effectiveTime'));
  if (effective.effectiveDateTime !== undefined) resource['performedDateTime'] = effective.effectiveDateTime;
  else if (effective.effectivePeriod) resource['performedPeriod'] = effective.effectivePeriod;
  const performer = actorsOf(proc, ctx, ['performer']);
  if (performer.length) resource['performer'] = performer.map((actor) => ({ actor }));
  const bodySite = childrenNamed(proc, 'targetSiteCode').map((s) => codeableConcept(s, ctx)).filter((s) => s !== undefined);
  if (bodySite.length) resource['bodySite'] = bodySite;
  const focalDevice: { manipulated: Reference }[] = [];
  childrenNamed(proc, 'participant').forEach((p, i) => {
    const role = child(p, 'participantRole');
    if (!role || !child(role, 'playingDevice')) return;
    focalDevice.push({ manipulated: productDeviceOf(role, ctx, [...fallback, 'device', String(i)]) });
  });
  if (focalDevice.length) resource['focalDevice'] = focalDevice;
  return ctx.add(resource);
}

/** A Medical Equipment Organizer → List (status current, mode snapshot) of the statements it groups, under its code. */
function mapEquipmentList(org: XmlElement, items: readonly Reference[], ctx: CdaContext, fallback: readonly string[]): Reference {
  const code = codeWithText(org, ctx);
  const resource: FhirResource = {
    resourceType: 'List',
    id: entryResourceId('List', org, ctx, fallback, { field: 'code', value: code }),
  };
  const identifier = identifiers(childrenNamed(org, 'id'), ctx);
  if (identifier.length) resource['identifier'] = identifier;
  resource['status'] = 'current';
  resource['mode'] = 'snapshot';
  if (code) resource['code'] = code;
  resource['subject'] = ctx.patient;
  const date = dateTimeOf(child(org, 'effectiveTime'));
  if (date !== undefined) resource['date'] = date;
  resource['entry'] = items.map((item) => ({ item }));
  return ctx.add(resource);
}

import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import {
  addresses,
  codeableConcept,
  dataAbsentReason,
  identifiers,
  organizationOf,
  periodOf,
  practitionerOf,
  type Reference,
} from '../cda-datatypes.js';

/**
 * The Encounter of `componentOf/encompassingEncounter`: ids, class (an ActCode encounter code via
 * `encounter-class`, else data-absent), type, period, status (finished once it has an end,
 * else unknown), participants, location and service provider.
 */
export function mapEncompassingEncounter(ee: XmlElement, ctx: CdaContext): Reference {
  const r: FhirResource = { resourceType: 'Encounter', id: ctx.entryId('Encounter', ee, 'encompassingEncounter') };
  const identifier = identifiers(childrenNamed(ee, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;
  const period = periodOf(child(ee, 'effectiveTime'));
  r['status'] = period?.end !== undefined ? 'finished' : 'unknown';
  const codeEl = child(ee, 'code');
  const classCode = ctx.tables.valueMap('encounter-class', attr(codeEl, 'code'));
  const classSystem = ctx.tables.valueSystem('encounter-class');
  r['class'] = classCode !== undefined ? { system: classSystem, code: classCode } : { extension: [dataAbsentReason(undefined, ctx)] };
  const type = codeableConcept(codeEl, ctx);
  if (type) r['type'] = [type];
  r['subject'] = ctx.patient;
  const participant = participants(ee, ctx);
  if (participant.length) r['participant'] = participant;
  if (period) r['period'] = period;
  const disposition = codeableConcept(child(ee, 'dischargeDispositionCode') ?? child(ee, 'sdtc:dischargeDispositionCode'), ctx);
  if (disposition) r['hospitalization'] = { dischargeDisposition: disposition };
  const facility = child(child(ee, 'location'), 'healthCareFacility');
  const location = locationOf(facility, ctx);
  if (location) r['location'] = [{ location }];
  const provider = organizationOf(child(facility, 'serviceProviderOrganization'), ctx);
  if (provider) r['serviceProvider'] = provider;
  return ctx.add(r);
}

function participants(ee: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const system = ctx.tables.valueSystem('participation-type');
  const responsible = practitionerOf(child(child(ee, 'responsibleParty'), 'assignedEntity'), ctx);
  if (responsible) out.push({ individual: responsible });
  for (const p of childrenNamed(ee, 'encounterParticipant')) {
    const individual = practitionerOf(child(p, 'assignedEntity'), ctx);
    if (!individual) continue;
    const entry: Record<string, unknown> = {};
    const code = ctx.tables.valueMap('participation-type', attr(p, 'typeCode'));
    if (code !== undefined) entry['type'] = [{ coding: [{ system, code }] }];
    const period = periodOf(child(p, 'time'));
    if (period) entry['period'] = period;
    entry['individual'] = individual;
    out.push(entry);
  }
  return out;
}

/** Location of a healthCareFacility (its place's name and address; the facility code as type). */
function locationOf(facility: XmlElement | undefined, ctx: CdaContext): Reference | undefined {
  if (!facility) return undefined;
  const place = child(facility, 'location');
  const name = textOf(child(place, 'name'));
  const address = addresses(childrenNamed(place, 'addr'), ctx)[0];
  const type = codeableConcept(child(facility, 'code'), ctx);
  const identifier = identifiers(childrenNamed(facility, 'id'), ctx);
  if (!name && !address && !type && !identifier.length) return undefined;
  const id = identifier.length
    ? ctx.entryId('Location', facility)
    : ctx.id('Location', 'cda-facility', name, JSON.stringify(address ?? ''), JSON.stringify(type ?? ''));
  const r: FhirResource = { resourceType: 'Location', id };
  if (identifier.length) r['identifier'] = identifier;
  if (name) r['name'] = name;
  if (type) r['type'] = [type];
  if (address) r['address'] = address;
  return ctx.add(r);
}

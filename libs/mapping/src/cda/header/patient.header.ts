import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import { dtmToDate } from '../../transforms/dtm.transform.js';
import type { CdaContext } from '../cda-context.js';
import {
  addresses,
  codeableConcept,
  codeSystemUri,
  coding,
  dateTimeOf,
  humanNames,
  identifiers,
  organizationOf,
  telecoms,
  type Coding,
  type Extension,
  type Reference,
} from '../cda-datatypes.js';

const US_CORE_RACE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';
const US_CORE_ETHNICITY = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity';
const RELIGION = 'http://hl7.org/fhir/StructureDefinition/patient-religion';
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';
/** CDA's languageCode is a CS whose code system is implicit: IETF language tags. */
const LANGUAGE_OID = '2.16.840.1.113883.6.121';
const NULL_FLAVOR_OID = '2.16.840.1.113883.5.1008';

/**
 * The Patient of `recordTarget/patientRole`: ids (its id comes from them, so the same patient
 * in another document is the same resource), names, gender via `administrative-gender`,
 * birthDate, deceased, addresses, telecoms, marital status, religion, birthplace, US Core race
 * and ethnicity, languages, guardians as contacts, and the provider organization.
 */
export function mapPatient(patientRole: XmlElement, ctx: CdaContext): Reference {
  const patient = child(patientRole, 'patient');
  const names = humanNames(childrenNamed(patient, 'name'), ctx);
  const id = childrenNamed(patientRole, 'id').some((i) => attr(i, 'root') !== undefined && attr(i, 'nullFlavor') === undefined)
    ? ctx.entryId('Patient', patientRole)
    : ctx.id('Patient', 'cda-doc', ctx.documentKey);
  const r: FhirResource = { resourceType: 'Patient', id };
  const extension = [...raceEthnicity(patient, ctx), ...religion(patient, ctx), ...birthPlace(patient, ctx)];
  if (extension.length) r['extension'] = extension;
  const identifier = identifiers(childrenNamed(patientRole, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;
  if (names.length) r['name'] = names;
  const telecom = telecoms(childrenNamed(patientRole, 'telecom'), ctx);
  if (telecom.length) r['telecom'] = telecom;
  const genderEl = child(patient, 'administrativeGenderCode');
  const gender = ctx.tables.valueMap('administrative-gender', attr(genderEl, 'code'));
  if (gender !== undefined) r['gender'] = gender;
  else if (attr(genderEl, 'code') !== undefined) ctx.warn('unmapped-code', 'patient/administrativeGenderCode');
  const birth = attr(child(patient, 'birthTime'), 'value');
  const birthDate = birth !== undefined ? dtmToDate(birth) : undefined;
  if (birthDate !== undefined) r['birthDate'] = birthDate;
  const deceasedTime = dateTimeOf(child(patient, 'sdtc:deceasedTime'));
  const deceasedInd = attr(child(patient, 'sdtc:deceasedInd'), 'value');
  if (deceasedTime !== undefined) r['deceasedDateTime'] = deceasedTime;
  else if (deceasedInd === 'true' || deceasedInd === 'false') r['deceasedBoolean'] = deceasedInd === 'true';
  const address = addresses(childrenNamed(patientRole, 'addr'), ctx);
  if (address.length) r['address'] = address;
  const marital = codeableConcept(child(patient, 'maritalStatusCode'), ctx);
  if (marital) r['maritalStatus'] = marital;
  const multipleBirth = attr(child(patient, 'sdtc:multipleBirthInd'), 'value');
  if (multipleBirth === 'true' || multipleBirth === 'false') r['multipleBirthBoolean'] = multipleBirth === 'true';
  const contact = guardians(patient, ctx);
  if (contact.length) r['contact'] = contact;
  const communication = languages(patient, ctx);
  if (communication.length) r['communication'] = communication;
  const org = organizationOf(child(patientRole, 'providerOrganization'), ctx);
  if (org) r['managingOrganization'] = org;
  return ctx.add(r);
}

/** US Core race and ethnicity: OMB categories (per the `race-ethnicity-category` table) and detailed codes, with the required text. */
function raceEthnicity(patient: XmlElement | undefined, ctx: CdaContext): Extension[] {
  const out: Extension[] = [];
  const race = ombExtension(US_CORE_RACE, [child(patient, 'raceCode'), ...childrenNamed(patient, 'sdtc:raceCode')], ctx);
  if (race) out.push(race);
  const ethnicity = ombExtension(US_CORE_ETHNICITY, [child(patient, 'ethnicGroupCode'), ...childrenNamed(patient, 'sdtc:ethnicGroupCode')], ctx);
  if (ethnicity) out.push(ethnicity);
  return out;
}

function ombExtension(url: string, codes: readonly (XmlElement | undefined)[], ctx: CdaContext): Extension | undefined {
  const parts: Extension[] = [];
  const texts: string[] = [];
  for (const el of codes) {
    if (!el) continue;
    let c: Coding | undefined = coding(el, ctx);
    const nf = attr(el, 'nullFlavor');
    if (!c && (nf === 'UNK' || nf === 'ASKU')) {
      const system = codeSystemUri(NULL_FLAVOR_OID, ctx);
      c = system !== undefined ? { system, code: nf } : { code: nf };
    }
    if (!c?.code) continue;
    const slot = ctx.tables.valueMap('race-ethnicity-category', c.code) ?? 'detailed';
    parts.push({ url: slot, valueCoding: c });
    texts.push(c.display ?? c.code);
  }
  if (!parts.length) return undefined;
  parts.push({ url: 'text', valueString: texts.join(', ') });
  return { url, extension: parts };
}

function religion(patient: XmlElement | undefined, ctx: CdaContext): Extension[] {
  const cc = codeableConcept(child(patient, 'religiousAffiliationCode'), ctx);
  return cc ? [{ url: RELIGION, valueCodeableConcept: cc }] : [];
}

function birthPlace(patient: XmlElement | undefined, ctx: CdaContext): Extension[] {
  const addr = addresses(childrenNamed(child(child(patient, 'birthplace'), 'place'), 'addr'), ctx)[0];
  if (!addr) return [];
  delete addr.use;
  return [{ url: BIRTH_PLACE, valueAddress: addr }];
}

function guardians(patient: XmlElement | undefined, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const g of childrenNamed(patient, 'guardian')) {
    const contact: Record<string, unknown> = {};
    const relationship = codeableConcept(child(g, 'code'), ctx);
    if (relationship) contact['relationship'] = [relationship];
    const person = child(g, 'guardianPerson');
    const name = humanNames(childrenNamed(person, 'name'), ctx)[0];
    if (name) contact['name'] = name;
    const telecom = telecoms(childrenNamed(g, 'telecom'), ctx);
    if (telecom.length) contact['telecom'] = telecom;
    const address = addresses(childrenNamed(g, 'addr'), ctx)[0];
    if (address) contact['address'] = address;
    const org = organizationOf(child(g, 'guardianOrganization'), ctx);
    if (org) contact['organization'] = org;
    // pat-1: a contact names a person, an organization, or both.
    if (contact['name'] || contact['telecom'] || contact['address'] || contact['organization']) out.push(contact);
  }
  return out;
}

function languages(patient: XmlElement | undefined, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const system = ctx.tables.codeSystems.get(LANGUAGE_OID);
  for (const lc of childrenNamed(patient, 'languageCommunication')) {
    const code = attr(child(lc, 'languageCode'), 'code')?.trim();
    if (!code) continue;
    const language = { coding: [system !== undefined ? { system, code } : { code }] };
    const entry: Record<string, unknown> = { language };
    const preferred = attr(child(lc, 'preferenceInd'), 'value');
    if (preferred === 'true' || preferred === 'false') entry['preferred'] = preferred === 'true';
    out.push(entry);
  }
  return out;
}

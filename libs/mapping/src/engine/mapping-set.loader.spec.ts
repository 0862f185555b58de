import { describe, expect, it } from 'vitest';
import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';
import { ConversionError, MappingError } from '../mapping.errors.js';
import type { MappingFile } from '../mapping-set.model.js';
import { loadMappingSet } from './mapping-set.loader.js';

const base: Record<string, string> = {
  'hl7v2/codes/coding-system.yaml': 'table: coding-system\nmap:\n  LN: http://loinc.org\n',
  'hl7v2/codes/administrative-gender.yaml':
    'table: administrative-gender\nsource: http://terminology.hl7.org/CodeSystem/v2-0001\ntarget: http://hl7.org/fhir/administrative-gender\nmap:\n  M: male\n  F: female\n',
  'hl7v2/datatypes/cwe.codeable-concept.yaml':
    'datatype: CWE\ntype: CodeableConcept\nfields:\n  coding[]:\n    object:\n      system: { from: 3, transform: codingSystem }\n      code: { from: 1 }\n  text: { from: 9 }\n',
  'hl7v2/segments/msh.message-header.yaml':
    'segment: MSH\nresource: MessageHeader\nid:\n  - parts: [MSH-10]\nfields:\n  eventCoding:\n    object:\n      code: { from: MSH-9.2 }\n  source:\n    object:\n      endpoint: { fn: applicationEndpoint, args: [MSH-3.1, MSH-3.2, MSH-3.3, MSH-4.1] }\n',
  'hl7v2/segments/pid.patient.yaml':
    'segment: PID\nresource: Patient\nid:\n  - of: PID-3\n    parts: [[4.1, MSH-4.1], 1]\nfields:\n  gender: { from: PID-8, code: administrative-gender }\n  birthDate: { from: PID-7, transform: date }\n',
  'hl7v2/messages/adt.yaml':
    'message: ADT\nevents: [ADT^A01]\nstructures: [ADT_A01]\nrequired:\n  - { segment: PID, field: 3 }\nsegments:\n  MSH: [msh.message-header]\n  PID: [pid.patient]\n',
};

function files(over: Record<string, string | undefined> = {}): MappingFile[] {
  const all = { ...base, ...over };
  return Object.entries(all)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([path, text]) => ({ path, text }));
}

function loadError(over: Record<string, string | undefined>): MappingError {
  try {
    loadMappingSet(files(over));
  } catch (e) {
    if (e instanceof MappingError) return e;
    throw e;
  }
  throw new Error('expected a MappingError');
}

/** A tiny message built directly in the model (1-based fields; MSH-1/2 as the standard has them). */
function message(pid: string[] | undefined, controlId = 'C1'): Hl7Message {
  const seg = (name: string, fields: string[]): Hl7Segment => ({
    name,
    fields: [[], ...fields.map((f) => (f === '' ? [] : f.split('~').map((r) => r.split('^').map((c) => c.split('&')))))],
  });
  const msh = seg('MSH', ['|', '^~\\&', 'APP', 'FAC', '', '', '20240101', '', 'ADT^A01^ADT_A01', controlId, 'P', '2.5']);
  return {
    delimiters: { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' },
    header: {
      sendingApplication: 'APP', sendingFacility: 'FAC', receivingApplication: '', receivingFacility: '', dateTime: '20240101',
      messageCode: 'ADT', triggerEvent: 'A01', messageStructure: 'ADT_A01', controlId, processingId: 'P', version: '2.5', characterSet: '',
    },
    segments: pid ? [msh, seg('PID', pid)] : [msh],
  };
}

describe('loadMappingSet: schema errors name the file and the key', () => {
  it('loads a valid set and converts with it', () => {
    const set = loadMappingSet(files());
    expect(set.supports({ messageCode: 'ADT', triggerEvent: 'A01', messageStructure: '' })).toBe(true);
    expect(set.supports({ messageCode: 'ADT', triggerEvent: 'A99', messageStructure: 'ADT_A01' })).toBe(true);
    expect(set.supports({ messageCode: 'SIU', triggerEvent: 'S12', messageStructure: 'SIU_S12' })).toBe(false);
    const r = set.convert(message(['1', '', 'MRN1^^^HOSP', '', '', '', '19800101', 'F']), { idSecret: 'x' });
    const patient = r.bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!;
    expect(patient).toMatchObject({ gender: 'female', birthDate: '1980-01-01' });
  });

  it.each([
    ['an unknown key in a value spec', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: { from: PID-8, cod: administrative-gender }\n', 'fields.gender.cod'],
    ['an unknown top-level key', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresourc: Patient\nfields:\n  gender: { from: PID-8 }\n', 'resourc'],
    ['a bad position', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: { from: PID8 }\n', 'fields.gender.from'],
    ['an unknown code table', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: { from: PID-8, code: sex }\n', 'fields.gender.code'],
    ['an unknown transform', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  birthDate: { from: PID-7, transform: guess }\n', 'fields.birthDate.transform'],
    ['an unknown datatype map', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  name[]: { from: PID-5, type: xpn.nothing }\n', 'fields.name[].type'],
    ['two sources in one spec', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: { from: PID-8, const: male }\n', 'fields.gender'],
    ['a list under a scalar key', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: [{ from: PID-8 }]\n', 'fields.gender'],
    ['a duplicate key (no numbered duplicates)', 'hl7v2/segments/pid.patient.yaml', 'segment: PID\nresource: Patient\nfields:\n  gender: { from: PID-8 }\n  gender: { from: PID-9 }\n', ''],
    ['an unknown segment map in a message map', 'hl7v2/messages/adt.yaml', 'message: ADT\nevents: [ADT^A01]\nsegments:\n  PID: [pid.person]\n', 'segments.PID[0]'],
    ['a segment map listed under another segment', 'hl7v2/messages/adt.yaml', 'message: ADT\nevents: [ADT^A01]\nsegments:\n  PV1: [pid.patient]\n', 'segments.PV1[0]'],
    ['a group leader that is not a member', 'hl7v2/messages/adt.yaml', 'message: ADT\nevents: [ADT^A01]\ngroups:\n  - { name: P, leaders: [PR1], members: [ROL] }\nsegments:\n  PID: [pid.patient]\n', 'groups[0]'],
    ['a code table whose name is not its file name', 'hl7v2/codes/administrative-gender.yaml', 'table: gender\nmap:\n  M: male\n', 'table'],
    ['requires naming no key', 'hl7v2/datatypes/cwe.codeable-concept.yaml', 'datatype: CWE\ntype: CodeableConcept\nrequires: [coding]\nfields:\n  text: { from: 9 }\n', 'requires'],
  ])('%s', (_what, file, text, key) => {
    const e = loadError({ [file]: text });
    expect(e.code).toBe('MAPPING_INVALID');
    expect(e.details).toEqual({ file, key });
    expect(e.message).toContain(file);
    if (key) expect(e.message).toContain(key);
  });

  it('refuses an event mapped twice', () => {
    const e = loadError({ 'hl7v2/messages/adt-2.yaml': 'message: ADT\nevents: [ADT^A01]\nsegments:\n  PID: [pid.patient]\n' });
    expect(e.details).toEqual({ file: 'hl7v2/messages/adt-2.yaml', key: 'events' });
  });

  it('refuses a file outside the known folders and a datatype map that refers to itself', () => {
    expect(loadError({ 'hl7v2/other/x.yaml': 'a: 1\n' }).details).toEqual({ file: 'hl7v2/other/x.yaml', key: '' });
    const e = loadError({ 'hl7v2/datatypes/xx.loop.yaml': 'datatype: XX\ntype: Identifier\nfields:\n  assigner: { from: 4, type: xx.loop }\n' });
    expect(e.details['file']).toBe('hl7v2/datatypes/xx.loop.yaml');
  });
});

describe('convert: errors the MLLP edge turns into ACKs', () => {
  const set = loadMappingSet(files());

  it('HL7_UNSUPPORTED_MESSAGE for a message without a map', () => {
    const m = message(['1', '', 'MRN1']);
    const siu = { ...m, header: { ...m.header, messageCode: 'SIU', triggerEvent: 'S12', messageStructure: 'SIU_S12' } };
    expect(() => set.convert(siu, { idSecret: 'x' })).toThrow(expect.objectContaining({ code: 'HL7_UNSUPPORTED_MESSAGE' }));
  });

  it('HL7_REQUIRED_MISSING names segment, index and field, never values', () => {
    const run = (m: Hl7Message): ConversionError => {
      try {
        set.convert(m, { idSecret: 'x' });
      } catch (e) {
        if (e instanceof ConversionError) return e;
      }
      throw new Error('expected a ConversionError');
    };
    expect(run(message(['1', '', '', '', 'DOE^JOHN'])).details).toEqual({ segment: 'PID', segmentIndex: 2, field: 3 });
    expect(run(message(['1', '', '""'])).code).toBe('HL7_REQUIRED_MISSING');
    expect(run(message(undefined)).details).toMatchObject({ segment: 'PID' });
    const noControlId = run(message(['1', '', 'MRN1'], ''));
    expect(noControlId.details).toEqual({ segment: 'MSH', segmentIndex: 1, field: 10 });
    expect(noControlId.message).not.toContain('DOE');
  });

  it('HL7_BAD_VALUE when a required field fails its declared check', () => {
    const strict = loadMappingSet(
      files({
        'hl7v2/messages/adt.yaml':
          'message: ADT\nevents: [ADT^A01]\nrequired:\n  - { segment: PID, field: 3 }\n  - { segment: PID, field: 7, valid: date }\nsegments:\n  PID: [pid.patient]\n',
      }),
    );
    expect(() => strict.convert(message(['1', '', 'MRN1', '', '', '', 'yesterday']), { idSecret: 'x' })).toThrow(
      expect.objectContaining({ code: 'HL7_BAD_VALUE', details: { segment: 'PID', segmentIndex: 2, field: 7 } }),
    );
    expect(strict.convert(message(['1', '', 'MRN1', '', '', '', '19800101']), { idSecret: 'x' }).bundle.entry).toBeDefined();
  });

  it('drops a bad value with a warning naming the position, not the value', () => {
    const r = set.convert(message(['1', '', 'MRN1', '', '', '', '1980-01-01', 'Q']), { idSecret: 'x' });
    expect(r.issues.map((i) => i.expression)).toEqual([['PID-8'], ['PID-7']]);
    expect(JSON.stringify(r.issues)).not.toContain('1980');
    const patient = r.bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!;
    expect(patient['birthDate']).toBeUndefined();
  });
});

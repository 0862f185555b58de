import { describe, expect, it } from 'vitest';
import { deterministicId } from '@hie/common';
import { createR4Validator, type Bundle, type FhirResource } from '@hie/fhir';
import { studyLocalPatientId } from './dicom-patient.builder.js';
import { dicomwebEndpointId } from './dicom-endpoint.builder.js';
import { buildImagingStudy, imagingStudyId, type ImagingStudyInput } from './imaging-study.builder.js';
import { el, instance, pn, SPEC_ID_SECRET, specTables, sq } from './testing/dicom-spec.helpers.js';

const STUDY = '1.2.826.0.1.3680043.8.498.1';
const CT_SERIES = '1.2.826.0.1.3680043.8.498.1.1';
const MR_SERIES = '1.2.826.0.1.3680043.8.498.1.2';
const BASE = 'http://127.0.0.1:8080/dicomweb';
const validator = createR4Validator();

function study(overrides: Record<string, ReturnType<typeof el>> = {}) {
  return {
    '00080020': el('DA', '20240131'),
    '00080030': el('TM', '142501.25'),
    '00080201': el('SH', '+0100'),
    '00080050': el('SH', 'ACC-77'),
    '00080051': sq({ '00400031': el('UT', 'RIS'), '00400032': el('UT', '1.2.3.4.5'), '00400033': el('CS', 'ISO') }),
    '00080090': pn('Welby^Marcus^J^Dr^MD'),
    '00081030': el('LO', 'CT CHEST W CONTRAST'),
    '00081032': sq({ '00080100': el('SH', '24627-2'), '00080102': el('SH', 'LN'), '00080104': el('LO', 'Chest CT') }),
    '00100010': pn('Doe^Jane^Q'),
    '00100020': el('LO', 'MRN123'),
    '00100021': el('LO', 'HOSP'),
    '00100024': sq({ '00400032': el('UT', '2.16.840.1.113883.19.5'), '00400033': el('CS', 'ISO') }),
    '00100030': el('DA', '19800215'),
    '00100040': el('CS', 'F'),
    '0020000D': el('UI', STUDY),
    ...overrides,
  };
}

function ct(n: number, extra: Record<string, ReturnType<typeof el>> = {}) {
  return instance({
    ...study(),
    '00080016': el('UI', '1.2.840.10008.5.1.4.1.1.2'),
    '00080018': el('UI', `${CT_SERIES}.${n}`),
    '00080060': el('CS', 'CT'),
    '0008103E': el('LO', 'Axial 5mm'),
    '00180015': el('CS', 'CHEST'),
    '0020000E': el('UI', CT_SERIES),
    '00200011': el('IS', 2),
    '00200013': el('IS', n),
    '00080021': el('DA', '20240131'),
    '00080031': el('TM', '1426'),
    ...extra,
  });
}

function mr(n: number) {
  return instance({
    ...study(),
    '00080016': el('UI', '1.2.840.10008.5.1.4.1.1.4'),
    '00080018': el('UI', `${MR_SERIES}.${n}`),
    '00080060': el('CS', 'MR'),
    '00180015': el('CS', 'KNEE'),
    '00200060': el('CS', 'L'),
    '0020000E': el('UI', MR_SERIES),
    '00200011': el('IS', 1),
    '00200013': el('IS', n),
    '00700080': el('CS', 'LOCALIZER'),
  });
}

function input(over: Partial<ImagingStudyInput> = {}): ImagingStudyInput {
  return {
    studyInstanceUid: STUDY,
    instances: [ct(2), ct(1), mr(1)],
    patientId: 'p-1',
    patientExists: false,
    serviceRequestId: 'sr-1',
    dicomwebBaseUrl: BASE,
    ...over,
  };
}

function resource(bundle: Bundle, type: string): FhirResource | undefined {
  return bundle.entry?.find((e) => e.resource?.resourceType === type)?.resource;
}

describe('buildImagingStudy', () => {
  it('builds a valid ImagingStudy with series, instances, codes, links and identifiers', () => {
    const result = buildImagingStudy(input(), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(validator.validate(result.bundle).filter((i) => i.severity === 'error')).toEqual([]);
    const s = resource(result.bundle, 'ImagingStudy')!;
    expect(s.id).toBe(deterministicId(SPEC_ID_SECRET, ['ImagingStudy', STUDY]));
    expect(result.imagingStudyId).toBe(s.id);
    expect(s['identifier']).toEqual([
      { system: 'urn:dicom:uid', value: `urn:oid:${STUDY}` },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
        system: 'urn:oid:1.2.3.4.5',
        value: 'ACC-77',
        assigner: { display: 'RIS' },
      },
    ]);
    expect(s['status']).toBe('available');
    expect(s['subject']).toEqual({ reference: 'Patient/p-1' });
    expect(s['started']).toBe('2024-01-31T14:25:01.25+01:00');
    expect(s['basedOn']).toEqual([{ reference: 'ServiceRequest/sr-1' }]);
    expect(s['endpoint']).toEqual([{ reference: `Endpoint/${dicomwebEndpointId(SPEC_ID_SECRET, BASE)}` }]);
    expect(s['numberOfSeries']).toBe(2);
    expect(s['numberOfInstances']).toBe(3);
    expect(s['procedureCode']).toEqual([{ coding: [{ system: 'http://loinc.org', code: '24627-2', display: 'Chest CT' }] }]);
    expect(s['description']).toBe('CT CHEST W CONTRAST');
    // Series by number: the MR (1) before the CT (2); the study's modalities in that order.
    expect(s['modality']).toEqual([
      { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'MR', display: 'Magnetic Resonance' },
      { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT', display: 'Computed Tomography' },
    ]);
    const [mrSeries, ctSeries] = s['series'] as Record<string, unknown>[];
    expect(mrSeries).toMatchObject({
      uid: MR_SERIES,
      number: 1,
      numberOfInstances: 1,
      bodySite: { system: 'http://snomed.info/sct', code: '72696002', display: 'Knee' },
      laterality: { system: 'http://snomed.info/sct', code: '7771000', display: 'Left' },
      instance: [{ uid: `${MR_SERIES}.1`, sopClass: { system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.4' }, number: 1, title: 'LOCALIZER' }],
    });
    expect(ctSeries).toMatchObject({
      uid: CT_SERIES,
      number: 2,
      description: 'Axial 5mm',
      numberOfInstances: 2,
      bodySite: { system: 'http://snomed.info/sct', code: '816094009', display: 'Chest' },
      started: '2024-01-31T14:26:00+01:00',
    });
    expect((ctSeries!['instance'] as { uid: string }[]).map((i) => i.uid)).toEqual([`${CT_SERIES}.1`, `${CT_SERIES}.2`]);
    expect(result.issues).toEqual([]);
  });

  it('writes the referrer as a Practitioner and the Endpoint at the DICOMweb base', () => {
    const { bundle } = buildImagingStudy(input(), specTables(), { idSecret: SPEC_ID_SECRET });
    const practitioner = resource(bundle, 'Practitioner')!;
    expect(practitioner['name']).toEqual([{ family: 'Welby', given: ['Marcus', 'J'], prefix: ['Dr'], suffix: ['MD'] }]);
    expect(resource(bundle, 'ImagingStudy')!['referrer']).toEqual({ reference: `Practitioner/${practitioner.id}`, display: 'Dr Marcus J Welby MD' });
    expect(resource(bundle, 'Endpoint')).toEqual({
      resourceType: 'Endpoint',
      id: dicomwebEndpointId(SPEC_ID_SECRET, BASE),
      status: 'active',
      connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
      name: 'DICOMweb WADO-RS',
      payloadType: [{ text: 'DICOM' }],
      payloadMimeType: ['application/dicom'],
      address: BASE,
    });
    expect(bundle.entry!.map((e) => e.request)).toEqual(
      bundle.entry!.map((e) => ({ method: 'PUT', url: `${e.resource!.resourceType}/${e.resource!.id}` })),
    );
  });

  it('writes the Patient only when the store does not hold it, with identifier, name, gender and birth date', () => {
    const fresh = buildImagingStudy(input(), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(resource(fresh.bundle, 'Patient')).toEqual({
      resourceType: 'Patient',
      id: 'p-1',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN123', assigner: { display: 'HOSP' } }],
      name: [{ family: 'Doe', given: ['Jane', 'Q'] }],
      gender: 'female',
      birthDate: '1980-02-15',
    });
    const known = buildImagingStudy(input({ patientExists: true }), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(resource(known.bundle, 'Patient')).toBeUndefined();
    expect(resource(known.bundle, 'ImagingStudy')!['subject']).toEqual({ reference: 'Patient/p-1' });
  });

  it('is the same resource whatever order the instances come in', () => {
    const a = buildImagingStudy(input(), specTables(), { idSecret: SPEC_ID_SECRET });
    const b = buildImagingStudy(input({ instances: [mr(1), ct(1), ct(2)] }), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(b.bundle).toEqual(a.bundle);
  });

  it('keeps only the date when no UTC offset is known, and uses the configured one otherwise', () => {
    const noZone = [ct(1, { '00080201': el('SH') })].map((i) => ({ ...i, metadata: { ...i.metadata, '00080201': el('SH') } }));
    const dateOnly = buildImagingStudy(input({ instances: noZone }), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(resource(dateOnly.bundle, 'ImagingStudy')!['started']).toBe('2024-01-31');
    const zoned = buildImagingStudy(input({ instances: noZone }), specTables(), { idSecret: SPEC_ID_SECRET, timezone: '-05:00' });
    expect(resource(zoned.bundle, 'ImagingStudy')!['started']).toBe('2024-01-31T14:25:01.25-05:00');
  });

  it('gives a header without an assigning authority a study-local Patient', () => {
    const result = buildImagingStudy(input({ patientId: undefined }), specTables(), { idSecret: SPEC_ID_SECRET });
    const local = studyLocalPatientId(SPEC_ID_SECRET, STUDY);
    expect(result.patientId).toBe(local);
    expect(resource(result.bundle, 'Patient')!.id).toBe(local);
    expect(resource(result.bundle, 'ImagingStudy')!['subject']).toEqual({ reference: `Patient/${local}` });
  });

  it('falls back to text for unknown schemes and descriptions, and warns about unmapped body parts', () => {
    const odd = ct(1, {
      '00081032': sq({ '00080100': el('SH', 'X1'), '00080102': el('SH', '99LOCAL'), '00080104': el('LO', 'Local chest protocol') }),
      '00180015': el('CS', 'NOTAPART'),
    });
    const result = buildImagingStudy(input({ instances: [odd], serviceRequestId: undefined }), specTables(), { idSecret: SPEC_ID_SECRET });
    const s = resource(result.bundle, 'ImagingStudy')!;
    expect(s['procedureCode']).toEqual([{ text: 'Local chest protocol' }]);
    expect(s['basedOn']).toBeUndefined();
    expect((s['series'] as Record<string, unknown>[])[0]!['bodySite']).toBeUndefined();
    expect(result.issues.map((i) => i.expression)).toEqual([['(0018,0015)']]);
    expect(JSON.stringify(result.issues)).not.toContain('NOTAPART');

    const plain = ct(1, { '00081032': el('SQ'), '00321060': el('LO', 'CT chest requested') });
    const text = buildImagingStudy(input({ instances: [plain] }), specTables(), { idSecret: SPEC_ID_SECRET });
    expect(resource(text.bundle, 'ImagingStudy')!['procedureCode']).toEqual([{ text: 'CT chest requested' }]);
  });

  it('codes a series without Modality as OT (R4 requires one) and says so', () => {
    const bare = instance({
      '00080016': el('UI', '1.2.840.10008.5.1.4.1.1.7'),
      '00080018': el('UI', '1.2.3.9.1'),
      '0020000D': el('UI', STUDY),
      '0020000E': el('UI', '1.2.3.9'),
    });
    const result = buildImagingStudy(input({ instances: [bare], patientId: undefined, serviceRequestId: undefined }), specTables(), { idSecret: SPEC_ID_SECRET });
    const s = resource(result.bundle, 'ImagingStudy')!;
    expect((s['series'] as Record<string, unknown>[])[0]!['modality']).toEqual({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'OT', display: 'Other' });
    // No patient data at all: no Patient, a display-only subject; still valid R4.
    expect(resource(result.bundle, 'Patient')).toBeUndefined();
    expect(s['subject']).toEqual({ display: 'Patient not identified in the DICOM header' });
    expect(validator.validate(result.bundle).filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.issues.map((i) => i.expression)).toEqual([['(0008,0060)']]);
  });

  it('refuses a study without instances', () => {
    expect(() => buildImagingStudy(input({ instances: [] }), specTables(), { idSecret: SPEC_ID_SECRET })).toThrow(RangeError);
  });

  it('keys the ImagingStudy by the Study Instance UID alone', () => {
    expect(imagingStudyId(SPEC_ID_SECRET, STUDY)).toBe(imagingStudyId(SPEC_ID_SECRET, STUDY));
    expect(imagingStudyId(SPEC_ID_SECRET, STUDY)).not.toBe(imagingStudyId(SPEC_ID_SECRET, `${STUDY}.1`));
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '@hie/dicom';
import { parseHl7 } from '@hie/hl7v2';
import type { MappingSet } from '@hie/mapping';
import { loadMappings } from '../mapping-files.loader.js';
import { dicomPatientIdentifier, dicomPatientResourceId } from './dicom-patient.identity.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const SECRET = 'dicom-identity-test';

/** The Patient id the real HL7 v2 maps give a fixture ADT^A01 whose PID-3 is replaced by `pid3` (and PID-2 emptied). */
function hl7PatientId(mappings: MappingSet, adt: string, pid3: string): string {
  const segments = adt.split(/\r\n|\r|\n/).filter((s) => s.length > 0).map((segment) => {
    if (!segment.startsWith('PID|')) return segment;
    const fields = segment.split('|');
    fields[2] = '';
    fields[3] = pid3;
    return fields.join('|');
  });
  const result = mappings.convert(parseHl7(segments.join('\r')), { idSecret: SECRET });
  const patient = result.bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  expect(patient?.id).toBeTypeOf('string');
  return patient!.id!;
}

const header = (metadata: DicomJson): { metadata: DicomJson } => ({ metadata });
const lo = (value: string): { vr: string; Value: string[] } => ({ vr: 'LO', Value: [value] });

describe('dicomPatientResourceId', () => {
  let mappings: MappingSet;
  let adt: string;
  beforeAll(async () => {
    mappings = await loadMappings(join(repoRoot, 'mappings'));
    adt = await readFile(join(repoRoot, 'fixtures/hl7v2/ADT-A01-01.hl7'), 'latin1');
  });

  it('gives the Patient id of an ADT whose PID-3 has the same value and assigning authority (Issuer of Patient ID as CX-4.1)', () => {
    const fromHl7 = hl7PatientId(mappings, adt, 'MRN123^^^HOSP');
    // DICOM pads LO values with a space: read as the same value.
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123 '), '00100021': lo('HOSP') }))).toBe(fromHl7);
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123'), '00100021': lo('OTHER') }))).not.toBe(fromHl7);
    expect(dicomPatientResourceId('another-secret', header({ '00100020': lo('MRN123'), '00100021': lo('HOSP') }))).not.toBe(fromHl7);
  });

  it('takes the Universal Entity ID of the qualifiers first, as CX-4.2 comes before CX-4.1', () => {
    const fromHl7 = hl7PatientId(mappings, adt, 'MRN123^^^HOSP&2.16.840.1.999&ISO');
    const metadata: DicomJson = {
      '00100020': lo('MRN123'),
      '00100021': lo('HOSP'),
      '00100024': { vr: 'SQ', Value: [{ '00400032': { vr: 'UT', Value: ['2.16.840.1.999'] }, '00400033': { vr: 'CS', Value: ['ISO'] } }] },
    };
    expect(dicomPatientResourceId(SECRET, header(metadata))).toBe(fromHl7);
    expect(dicomPatientIdentifier(header(metadata))).toEqual({ value: 'MRN123', authority: '2.16.840.1.999' });
  });

  it('falls back to the configured issuer, as the map falls back to MSH-4.1 (the sending facility)', () => {
    const fromHl7 = hl7PatientId(mappings, adt, 'MRN123');
    expect(fromHl7).toBe(hl7PatientId(mappings, adt, 'MRN123^^^GHHSFacility'));
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123') }), 'GHHSFacility')).toBe(fromHl7);
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123'), '00100021': lo('HOSP') }), 'GHHSFacility')).not.toBe(fromHl7);
  });

  it('names no patient without a PatientID or without any authority', () => {
    expect(dicomPatientResourceId(SECRET, header({ '00100021': lo('HOSP') }), 'DEF')).toBeUndefined();
    expect(dicomPatientResourceId(SECRET, header({ '00100020': { vr: 'LO', Value: ['  '] }, '00100021': lo('HOSP') }))).toBeUndefined();
    expect(dicomPatientResourceId(SECRET, header({ '00100020': { vr: 'LO' } }), 'DEF')).toBeUndefined();
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123') }))).toBeUndefined();
    expect(dicomPatientResourceId(SECRET, header({ '00100020': lo('MRN123') }), '  ')).toBeUndefined();
  });
});

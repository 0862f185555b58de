/** Shared helpers for the DICOM golden and rule tests: the instances, the tables and the builder input. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deterministicId } from '@hie/common';
import { readDicomHeader, type DicomInstanceHeader } from '@hie/dicom';
import { loadDicomTables, type DicomJsonDataset, type DicomStudyInstance, type DicomTables } from '@hie/mapping';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const dicomExpectedDir = join(repoRoot, 'fixtures/dicom/expected');
const SHARED_CORPUS = '/work/shared/corpus/dicom/pydicom';

/** Fixed, so golden outputs are reproducible (ids are keyed by it). */
export const GOLDEN_ID_SECRET = 'golden-test-secret';
/** The DICOMweb base the golden Endpoint points at. */
export const GOLDEN_DICOMWEB = 'http://127.0.0.1:8080/dicomweb';
/** The assigning authority assumed for the corpus files, which name none (as HIE_DICOM_DEFAULT_ISSUER would). */
export const GOLDEN_ISSUER = 'GOLDEN-HOSP';
/** A ServiceRequest the store is taken to hold for the assembled study's accession. */
export const GOLDEN_ORDER_ID = deterministicId(GOLDEN_ID_SECRET, ['ServiceRequest', 'GOLDEN-ACC-1']);

/** A pydicom test file: from fixtures/dicom/pydicom once copied there, else the shared corpus. */
export function readDicomFixture(name: string): Buffer {
  const copied = join(repoRoot, 'fixtures/dicom/pydicom', name);
  return readFileSync(existsSync(copied) ? copied : join(SHARED_CORPUS, name));
}

export function dicomHeader(name: string): DicomInstanceHeader {
  return readDicomHeader(readDicomFixture(name));
}

let tables: DicomTables | undefined;
export function dicomTables(): DicomTables {
  const dir = join(repoRoot, 'mappings/dicom');
  tables ??= loadDicomTables(readdirSync(dir).map((f) => ({ path: `dicom/${f}`, text: readFileSync(join(dir, f), 'utf8') })));
  return tables;
}

/** An instance as the index would hand it over (columns left to the header, as intake derives them). */
export function asInstance(header: DicomInstanceHeader): DicomStudyInstance {
  return {
    sopInstanceUid: header.sopInstanceUid,
    sopClassUid: header.sopClassUid,
    seriesInstanceUid: header.seriesInstanceUid,
    studyInstanceUid: header.studyInstanceUid,
    metadata: header.metadata as DicomJsonDataset,
  };
}

/** The Patient id intake gives a header's PatientID under the golden issuer (see dicomPatientResourceId). */
export function goldenPatientId(header: DicomInstanceHeader): string {
  const value = (header.metadata['00100020']?.Value?.[0] as string).trim();
  return deterministicId(GOLDEN_ID_SECRET, ['Patient', GOLDEN_ISSUER, value]);
}

type Json = Record<string, { vr: string; Value?: unknown[] }>;

/**
 * One study assembled from two corpus instances: MR_small moved into CT_small's study (same
 * patient module, series number 2), and both given what the corpus files lack: an accession
 * with its issuer, a referring physician, a procedure code, body parts and a laterality.
 */
export function assembledStudy(): DicomStudyInstance[] {
  const ct = dicomHeader('CT_small.dcm');
  const mr = dicomHeader('MR_small.dcm');
  const shared: Json = {
    '00080050': { vr: 'SH', Value: ['GOLDEN-ACC-1'] },
    '00080051': { vr: 'SQ', Value: [{ '00400031': { vr: 'UT', Value: ['RIS'] }, '00400032': { vr: 'UT', Value: ['2.16.840.1.113883.19.7'] }, '00400033': { vr: 'CS', Value: ['ISO'] } }] },
    '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Referrer^Rita^^Dr' }] },
    '00081032': { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: ['36643-5'] }, '00080102': { vr: 'SH', Value: ['LN'] }, '00080104': { vr: 'LO', Value: ['XR Chest 2V'] } }] },
  };
  const patientTags = ['00100010', '00100020', '00100030', '00100040'];
  const ctMeta: Json = { ...(ct.metadata as Json), ...shared, '00180015': { vr: 'CS', Value: ['CHEST'] } };
  const mrMeta: Json = { ...(mr.metadata as Json), ...shared, '00180015': { vr: 'CS', Value: ['KNEE'] }, '00200060': { vr: 'CS', Value: ['R'] } };
  for (const t of patientTags) if (ctMeta[t]) mrMeta[t] = ctMeta[t]!;
  mrMeta['0020000D'] = { vr: 'UI', Value: [ct.studyInstanceUid] };
  mrMeta['00200011'] = { vr: 'IS', Value: [2] };
  mrMeta['00080020'] = ctMeta['00080020']!;
  mrMeta['00080030'] = ctMeta['00080030']!;
  mrMeta['00080201'] = ctMeta['00080201']!;
  return [
    { ...asInstance(ct), metadata: ctMeta as DicomJsonDataset },
    { ...asInstance(mr), studyInstanceUid: ct.studyInstanceUid, metadata: mrMeta as DicomJsonDataset },
  ];
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dimse from 'dcmjs-dimse';
import { api as dicomweb } from 'dicomweb-client';
import { readDicomHeader } from '@hie/dicom';
import { dicomPatientResourceId } from '@hie/pipeline';
import { EngineApi, isObject, type JsonObject } from '../support/engine-api.js';
import { splitPart10 } from '../support/dimse-scu.js';
import { EngineProcess } from '../support/engine-process.js';
import { hie } from '../support/hie-cli.js';
import { freePort } from '../support/free-port.js';
import { repoRoot } from '../support/hl7-text.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The issue's DICOM check on the built engine (PostgreSQL + Redis): a C-STORE SCU (dcmjs-dimse)
 * sends one study, a STOW-RS client (dicomweb-client, unchanged) another; QIDO-RS finds both,
 * WADO-RS gives the instances back byte for byte, metadata works, and FHIR ImagingStudy?patient
 * finds both studies once converted. Then bad input, de-identification and erasure.
 */
// dicomweb-client is written for browsers: xhr2 is its XMLHttpRequest in Node.
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = createRequire(import.meta.url)('xhr2');

const { Client, Dataset } = dimse;
const { CStoreRequest } = dimse.requests;
const { PresentationContext } = dimse.association;

const run = Math.random().toString(36).slice(2, 5).toUpperCase().padEnd(3, 'X');
/** PatientID of every instance sent here (same length as the corpus files' own IDs, so they are patched in place). */
const PATIENT_ID = `Z${run}`;
const ISSUER = 'HIE-TEST';
const ADMIN_TOKEN = `admin-${run}`;
const ID_SECRET = `id-secret-${run}`;
const CORPUS = `${repoRoot}/fixtures/dicom/pydicom`;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;
let client: DicomwebClient;
let dicomPort: number;

/**
 * The dicomweb-client calls used here. Its bundled typings (generated from JSDoc) mark every
 * option required; the library itself treats them as optional, as its documentation says.
 */
interface DicomwebClient {
  storeInstances(options: { datasets: ArrayBuffer[]; studyInstanceUID?: string }): Promise<unknown>;
  searchForStudies(options: { queryParams?: Record<string, string> }): Promise<unknown>;
  searchForSeries(options: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<unknown>;
  searchForInstances(options: { studyInstanceUID?: string; seriesInstanceUID?: string; queryParams?: Record<string, string> }): Promise<unknown>;
  retrieveInstance(options: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<unknown>;
  retrieveInstanceMetadata(options: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<unknown>;
  retrieveStudyMetadata(options: { studyInstanceUID: string }): Promise<unknown>;
  retrieveStudy(options: { studyInstanceUID: string }): Promise<unknown>;
}

/** One instance as sent: its Part 10 bytes, UIDs, and the bare data set after the file meta group. */
interface Instance {
  file: Buffer;
  dataset: Buffer;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
}

// Both studies: CT_small (C-STORE) and MR_small (STOW-RS), two instances each, one patient.
let ct: Instance[];
let mr: Instance[];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  dicomPort = await freePort();
  engine = await EngineProcess.start({
    role: 'all',
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HIE_QUEUE_PREFIX: redis.prefix,
      HIE_DICOM_PORT: String(dicomPort),
      // The corpus files name no issuer: this one makes their PatientID a patient (dicomPatientResourceId).
      HIE_DICOM_DEFAULT_ISSUER: ISSUER,
      HIE_ANCHOR_INTERVAL_MILLIS: '300',
      HIE_ADMIN_TOKEN: ADMIN_TOKEN,
      HIE_ID_SECRET: ID_SECRET,
    },
  });
  api = new EngineApi(engine.httpUrl);
  client = new dicomweb.DICOMwebClient({ url: `${engine.httpUrl}/dicomweb` } as ConstructorParameters<typeof dicomweb.DICOMwebClient>[0]) as unknown as DicomwebClient;
  ct = twoInstancesOf('CT_small.dcm');
  mr = twoInstancesOf('MR_small.dcm');
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

describe('DICOM in over DIMSE and DICOMweb, out over DICOMweb and FHIR', () => {
  it('a C-STORE SCU stores one study (two instances)', async () => {
    const statuses = await cStore(ct);
    expect(statuses).toEqual([0x0000, 0x0000]);
  });

  it('dicomweb-client STOW-RS stores another study and gets the PS3.18 response dataset', async () => {
    const response: unknown = await client.storeInstances({ datasets: mr.map((i) => arrayBufferOf(i.file)) });
    const dataset = JSON.parse(typeof response === 'string' ? response : Buffer.from(response as ArrayBuffer).toString('utf8')) as JsonObject;
    expect(dataset['00081198']).toBeUndefined();
    expect(uidsIn(dataset['00081199'], '00081155')).toEqual(mr.map((i) => i.sopInstanceUid));
    expect(valueOf(dataset, '00081190')).toBe(`${engine.httpUrl}/dicomweb/studies/${mr[0]!.studyInstanceUid}`);
  });

  it('QIDO-RS finds both studies, by PatientID, StudyDate ranges, ModalitiesInStudy, UID lists, AccessionNumber and PatientName', async () => {
    const byPatient = await studies({ PatientID: PATIENT_ID });
    expect(byPatient.map((s) => valueOf(s, '0020000D')).sort()).toEqual([ct[0]!.studyInstanceUid, mr[0]!.studyInstanceUid].sort());
    for (const study of byPatient) {
      expect(valueOf(study, '00201206')).toBe(1);
      expect(valueOf(study, '00201208')).toBe(2);
      expect(valueOf(study, '00100020')).toBe(PATIENT_ID);
      expect(valueOf(study, '00081190')).toBe(`${engine.httpUrl}/dicomweb/studies/${valueOf(study, '0020000D')}`);
    }
    // CT_small is from 2004-01-19, MR_small from 2004-08-26.
    expect(await studyUids({ PatientID: PATIENT_ID, StudyDate: '20040101-20041231' })).toHaveLength(2);
    expect(await studyUids({ PatientID: PATIENT_ID, StudyDate: '20040801-' })).toEqual([mr[0]!.studyInstanceUid]);
    expect(await studyUids({ '00100020': PATIENT_ID, '00080020': '-20040201' })).toEqual([ct[0]!.studyInstanceUid]);
    expect(await studyUids({ PatientID: PATIENT_ID, StudyDate: '20040119' })).toEqual([ct[0]!.studyInstanceUid]);
    expect(await studyUids({ ModalitiesInStudy: 'CT', PatientID: PATIENT_ID })).toEqual([ct[0]!.studyInstanceUid]);
    expect(await studyUids({ StudyInstanceUID: `${mr[0]!.studyInstanceUid},1.2.3.999` })).toEqual([mr[0]!.studyInstanceUid]);
    expect(await studyUids({ AccessionNumber: `NONE-${run}` })).toEqual([]);
    expect(await studyUids({ PatientID: PATIENT_ID, PatientName: 'compressed*', limit: '1' })).toHaveLength(1);
    expect(await studyUids({ PatientID: PATIENT_ID, PatientName: 'nobody*' })).toEqual([]);
  });

  it('QIDO-RS finds series and instances at every scope', async () => {
    const ctSeries = (await client.searchForSeries({ studyInstanceUID: ct[0]!.studyInstanceUid })) as JsonObject[];
    expect(ctSeries.map((s) => [valueOf(s, '0020000E'), valueOf(s, '00080060'), valueOf(s, '00201209')])).toEqual([[ct[0]!.seriesInstanceUid, 'CT', 2]]);
    const mrSeries = (await client.searchForSeries({ queryParams: { Modality: 'MR', PatientID: PATIENT_ID } })) as JsonObject[];
    expect(mrSeries.map((s) => valueOf(s, '0020000E'))).toEqual([mr[0]!.seriesInstanceUid]);
    const inSeries = (await client.searchForInstances({ studyInstanceUID: mr[0]!.studyInstanceUid, seriesInstanceUID: mr[0]!.seriesInstanceUid })) as JsonObject[];
    expect(inSeries.map((i) => valueOf(i, '00080018')).sort()).toEqual(mr.map((i) => i.sopInstanceUid).sort());
    const one = (await client.searchForInstances({ queryParams: { SOPInstanceUID: ct[1]!.sopInstanceUid } })) as JsonObject[];
    expect(one.map((i) => [valueOf(i, '00080016'), valueOf(i, '0020000D')])).toEqual([[ct[1]!.sopClassUid, ct[1]!.studyInstanceUid]]);
    expect(((await client.searchForInstances({ studyInstanceUID: ct[0]!.studyInstanceUid })) as JsonObject[]).length).toBe(2);
  });

  it('WADO-RS returns the stored instances byte for byte (multipart and single part) and their metadata', async () => {
    for (const instance of mr) {
      // STOW-RS stored the client's file as it was sent: the whole file comes back.
      expect(Buffer.from(await retrieve(instance)).equals(instance.file), instance.sopInstanceUid).toBe(true);
    }
    for (const instance of ct) {
      // C-STORE carries only the data set: the engine wrote its own file meta group in front of it
      // (its implementation UID, the calling AE as source), so the meta group differs from the
      // original file's; the data set after it is the one sent, byte for byte.
      const file = Buffer.from(await retrieve(instance));
      expect(file.toString('latin1', 128, 132)).toBe('DICM');
      const parts = splitPart10(file);
      expect(parts.dataset.equals(instance.dataset), instance.sopInstanceUid).toBe(true);
      expect([parts.sopInstanceUid, parts.transferSyntaxUid]).toEqual([instance.sopInstanceUid, instance.transferSyntaxUid]);
    }
    const single = await fetch(instanceUrl(mr[1]!), { headers: { accept: 'application/dicom' } });
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toMatch(/^application\/dicom/);
    expect(Buffer.from(await single.arrayBuffer()).equals(mr[1]!.file)).toBe(true);
    const metadata = (await client.retrieveInstanceMetadata({ studyInstanceUID: ct[0]!.studyInstanceUid, seriesInstanceUID: ct[0]!.seriesInstanceUid, sopInstanceUID: ct[0]!.sopInstanceUid })) as JsonObject[];
    expect(metadata).toHaveLength(1);
    expect(valueOf(metadata[0]!, '00080018')).toBe(ct[0]!.sopInstanceUid);
    expect(valueOf(metadata[0]!, '00100020')).toBe(PATIENT_ID);
    expect(metadata[0]!['7FE00010']?.hasOwnProperty('Value') ?? false).toBe(false); // no pixel data in metadata
    const studyMetadata = (await client.retrieveStudyMetadata({ studyInstanceUID: mr[0]!.studyInstanceUid })) as JsonObject[];
    expect(studyMetadata.map((m) => valueOf(m, '00080018')).sort()).toEqual(mr.map((i) => i.sopInstanceUid).sort());
    const wholeStudy = (await client.retrieveStudy({ studyInstanceUID: mr[0]!.studyInstanceUid })) as ArrayBuffer[];
    expect(wholeStudy.map((b) => Buffer.from(b).length).sort()).toEqual(mr.map((i) => i.file.length).sort());
    const missing = await fetch(`${engine.httpUrl}/dicomweb/studies/${ct[0]!.studyInstanceUid}/series/${ct[0]!.seriesInstanceUid}/instances/1.2.3.404`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as JsonObject).resourceType).toBe('OperationOutcome');
  });

  it('FHIR ImagingStudy?patient= finds both studies once converted', async () => {
    const patientId = patientResourceId();
    const forPatient = await waitFor(
      'both ImagingStudies of the patient',
      async () => {
        const found = await api.search('ImagingStudy', { patient: patientId });
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMillis: 90_000, intervalMillis: 500 },
    );
    const uids = forPatient.flatMap((s) => (Array.isArray(s.identifier) ? s.identifier.filter(isObject).map((i) => String(i.value).replace(/^urn:oid:/, '')) : []));
    expect(uids).toEqual(expect.arrayContaining([ct[0]!.studyInstanceUid, mr[0]!.studyInstanceUid]));
    expect(forPatient.every((s) => isObject(s.subject) && s.subject.reference === `Patient/${patientId}`)).toBe(true);
    // The instances' messages go through the pipeline like any other.
    await waitFor('the DICOM messages converted or later', async () => {
      const converted = (await api.listConverted()).filter((m) => m.format === 'dicom');
      return converted.length >= 4 ? converted : undefined;
    }, { timeoutMillis: 60_000, intervalMillis: 500 });
  }, 180_000);

  it('$verify proves a C-STORE\'d instance untampered once anchored (DICOMweb route, Parameters, and hie verify)', async () => {
    const text = await waitFor('the instance anchored and verified', async () => {
      const response = await fetch(`${instanceUrl(ct[0]!)}/$verify?_format=text`);
      const body = await response.text();
      return response.status === 200 && /: VERIFIED\n/.test(body) ? body : undefined;
    }, { timeoutMillis: 30_000, intervalMillis: 300 });
    expect(text).toMatch(/^DicomInstance\/[0-9a-f-]+\/_history\/1: VERIFIED\n/);
    expect([...text.matchAll(/^ {2}ok {3}(\S+)/gm)].map((m) => m[1])).toEqual(['content-hash', 'ciphertext', 'merkle-proof', 'anchor']);
    const json = await api.get(`/dicomweb/studies/${ct[0]!.studyInstanceUid}/series/${ct[0]!.seriesInstanceUid}/instances/${ct[0]!.sopInstanceUid}/$verify`);
    expect(json.status).toBe(200);
    expect((json.body as { parameter: { name: string; valueBoolean?: boolean }[] }).parameter[0]).toEqual({ name: 'result', valueBoolean: true });
    const cli = await hie(['verify', `DicomInstance/${ct[0]!.sopInstanceUid}`, '--url', engine.httpUrl]);
    expect(cli.stdout).toBe(text);
    expect(cli.code).toBe(0);
    const elsewhere = await fetch(`${engine.httpUrl}/dicomweb/studies/${mr[0]!.studyInstanceUid}/series/${ct[0]!.seriesInstanceUid}/instances/${ct[0]!.sopInstanceUid}/$verify`);
    expect(elsewhere.status).toBe(404);
  });

  it('refuses bad input: a truncated file (409, FailedSOPSequence, kept as a failed message), malformed multipart (400), wrong type (415)', async () => {
    const failedBefore = (await api.listMessages('failed')).length;
    const truncated = readFileSync(`${CORPUS}/MR_truncated.dcm`);
    const response = await postMultipart([truncated]);
    expect(response.status).toBe(409);
    expect(response.contentType).toMatch(/^application\/dicom\+json/);
    const failed = response.body['00081198'];
    expect(isObject(failed) && Array.isArray(failed.Value) ? failed.Value.map((i) => valueOf(i as JsonObject, '00081197')) : []).toEqual([0xc000]);
    const failedMessages = await api.listMessages('failed');
    expect(failedMessages.length).toBe(failedBefore + 1);
    expect(failedMessages.some((m) => m.format === 'dicom' && m.channel === 'dicomweb')).toBe(true);

    const boundary = `b-${run}`;
    const open = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), mr[0]!.file]); // no closing boundary
    const malformed = await api.post('/dicomweb/studies', open, `multipart/related; type="application/dicom"; boundary=${boundary}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
    for (const type of ['application/json', 'application/octet-stream', 'multipart/related; type="application/dicom+json"; boundary=x']) {
      const wrongType = await api.post('/dicomweb/studies', '{}', type);
      expect(wrongType.status, type).toBe(415);
      expect(wrongType.body.resourceType, type).toBe('OperationOutcome');
    }
    // STOW-RS to a study the file is not in: refused with 0xA900.
    const elsewhere = await postMultipart([ct[0]!.file], `/dicomweb/studies/${mr[0]!.studyInstanceUid}`);
    expect(elsewhere.status).toBe(409);
    expect(JSON.stringify(elsewhere.body['00081198'])).toContain(String(0xa900));
  });

  it('serves a de-identified copy that still parses and no longer names the patient', async () => {
    const response = await fetch(`${instanceUrl(mr[0]!)}?deidentify=true`, { headers: { accept: 'application/dicom' } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString('latin1', 128, 132)).toBe('DICM');
    expect(bytes.includes(Buffer.from(PATIENT_ID))).toBe(false);
    expect(bytes.includes(Buffer.from(mr[0]!.sopInstanceUid))).toBe(false);
    expect(splitPart10(bytes).sopInstanceUid).toMatch(/^[0-9.]+$/);
  });

  it('after erasure the patient\'s instances are gone from QIDO and WADO', async () => {
    const erase = await fetch(`${engine.httpUrl}/admin/Patient/${patientResourceId()}/$erase`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(erase.status).toBe(200);
    expect(await studyUids({ PatientID: PATIENT_ID })).toEqual([]);
    const gone = await fetch(instanceUrl(mr[0]!));
    expect([404, 410]).toContain(gone.status);
    const verify = await hie(['verify', `DicomInstance/${ct[0]!.sopInstanceUid}`, '--url', engine.httpUrl]);
    expect(verify.stdout).toMatch(/FAILED\n[\s\S]*content-hash +the data key was destroyed/);
    expect(verify.code).toBe(1);
  });
});

// ---- helpers ----

/** The FHIR Patient id the instances belong to, computed as intake computes it (PatientID + default issuer, keyed). */
function patientResourceId(): string {
  const id = dicomPatientResourceId(ID_SECRET, readDicomHeader(ct[0]!.file), ISSUER);
  if (id === undefined) throw new Error('the instances name no patient');
  return id;
}

function instanceUrl(i: Instance): string {
  return `${engine.httpUrl}/dicomweb/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

async function retrieve(i: Instance): Promise<ArrayBuffer> {
  return (await client.retrieveInstance({ studyInstanceUID: i.studyInstanceUid, seriesInstanceUID: i.seriesInstanceUid, sopInstanceUID: i.sopInstanceUid })) as ArrayBuffer;
}

async function studies(queryParams: Record<string, string>): Promise<JsonObject[]> {
  return (await client.searchForStudies({ queryParams })) as JsonObject[];
}

async function studyUids(queryParams: Record<string, string>): Promise<string[]> {
  return (await studies(queryParams)).map((s) => String(valueOf(s, '0020000D'))).sort();
}

function valueOf(dataset: JsonObject, tag: string): unknown {
  const element = dataset[tag];
  return isObject(element) && Array.isArray(element.Value) ? element.Value[0] : undefined;
}

function uidsIn(sequence: unknown, tag: string): string[] {
  const items = isObject(sequence as JsonObject) && Array.isArray((sequence as JsonObject).Value) ? ((sequence as JsonObject).Value as JsonObject[]) : [];
  return items.map((item) => String(valueOf(item, tag)));
}

function arrayBufferOf(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
}

async function postMultipart(files: Buffer[], path = '/dicomweb/studies'): Promise<{ status: number; contentType: string; body: JsonObject }> {
  const boundary = `hie-${run}-${Date.now()}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return api.post(path, body, `multipart/related; type="application/dicom"; boundary="${boundary}"`);
}

/** Sends the instances' bare data sets over one association, byte for byte (no re-encoding); returns the statuses. */
async function cStore(instances: Instance[]): Promise<number[]> {
  const scu = new Client();
  const statuses: number[] = [];
  for (const instance of instances) {
    const dataset = new Dataset({ SOPClassUID: instance.sopClassUid, SOPInstanceUID: instance.sopInstanceUid }, instance.transferSyntaxUid);
    // dcmjs-dimse would re-encode a parsed data set: hand it the exact bytes instead.
    dataset.getDenaturalizedDataset = () => instance.dataset;
    const request = new CStoreRequest(dataset);
    request.on('response', (response: InstanceType<typeof dimse.responses.Response>) => statuses.push(response.getStatus()));
    scu.addRequest(request);
    scu.addAdditionalPresentationContext(new PresentationContext(1, instance.sopClassUid, instance.transferSyntaxUid), true);
  }
  await new Promise<void>((resolve, reject) => {
    scu.on('networkError', (error: Error) => reject(error));
    scu.on('closed', () => resolve());
    scu.send('127.0.0.1', dicomPort, 'E2E-SCU', 'HIE', { pduTimeout: 30_000 });
  });
  return statuses;
}

/**
 * The corpus file with its PatientID replaced by PATIENT_ID, and a copy of it with another SOP
 * Instance UID (the last digit changed): two instances of one study. Patched in place (same
 * lengths), so every other byte stays the corpus file's.
 */
function twoInstancesOf(name: string): Instance[] {
  const original = readFileSync(`${CORPUS}/${name}`);
  const first = Buffer.from(original);
  const info = splitPart10(first);
  const header = readUids(first);
  patch(first, 0x0010, 0x0020, 'LO', header.patientId, PATIENT_ID);
  const second = Buffer.from(first);
  const otherUid = info.sopInstanceUid.slice(0, -1) + (info.sopInstanceUid.endsWith('9') ? '8' : String(Number(info.sopInstanceUid.slice(-1)) + 1));
  patch(second, 0x0002, 0x0003, 'UI', info.sopInstanceUid, otherUid);
  patch(second, 0x0008, 0x0018, 'UI', info.sopInstanceUid, otherUid);
  return [first, second].map((file) => {
    const parts = splitPart10(file);
    return { file, dataset: parts.dataset, sopClassUid: parts.sopClassUid, sopInstanceUid: parts.sopInstanceUid, transferSyntaxUid: parts.transferSyntaxUid, studyInstanceUid: header.study, seriesInstanceUid: header.series };
  });
}

/** Replaces one explicit-VR-little-endian element's value by a value of the same padded length; the element must occur once. */
function patch(file: Buffer, group: number, element: number, vr: string, from: string, to: string): void {
  const padded = (v: string): Buffer => Buffer.from(v.length % 2 === 0 ? v : `${v}${vr === 'UI' ? '\0' : ' '}`, 'latin1');
  const oldValue = padded(from);
  const newValue = padded(to);
  if (oldValue.length !== newValue.length) throw new Error(`patch ${vr} must keep the length`);
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(oldValue.length, 6);
  const needle = Buffer.concat([head, oldValue]);
  const at = file.indexOf(needle);
  if (at === -1 || file.indexOf(needle, at + 1) !== -1) throw new Error(`element (${group.toString(16)},${element.toString(16)}) not found exactly once`);
  newValue.copy(file, at + 8);
}

/** Study/Series UIDs and PatientID of an explicit VR LE file, read by their tags (test-side, independent of the engine). */
function readUids(file: Buffer): { study: string; series: string; patientId: string } {
  const read = (group: number, element: number, vr: string): string => {
    const head = Buffer.alloc(6);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(element, 2);
    head.write(vr, 4, 'latin1');
    const at = file.indexOf(head, 132);
    if (at === -1) throw new Error(`no (${group.toString(16)},${element.toString(16)})`);
    return file.toString('latin1', at + 8, at + 8 + file.readUInt16LE(at + 6)).replace(/[\0 ]+$/, '');
  };
  return { study: read(0x0020, 0x000d, 'UI'), series: read(0x0020, 0x000e, 'UI'), patientId: read(0x0010, 0x0020, 'LO') };
}


import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@hie/common';
import { buildFileMetaHeader } from '@hie/dicom';
import { createR4Validator, type FhirResource } from '@hie/fhir';
import { ConversionRepository, DicomInstanceRepository, FhirRepository, MessageRepository } from '@hie/store';
import { openTestStore, type TestStore } from '../../../../test/support/test-store.js';
import { repoRoot } from '../../../../test/support/hl7-text.js';
import { CdaConversion } from '../cda/cda-conversion.js';
import { ConversionDispatcher } from '../conversion.dispatcher.js';
import { ConversionWorker } from '../conversion.worker.js';
import { Hl7Conversion } from '../hl7-conversion.js';
import { loadCdaMappings, loadMappings } from '../mapping-files.loader.js';
import { openProtectionStack, type ProtectionStack } from '../protect/protection.stack.js';
import { DicomConversion } from './dicom-conversion.js';
import { loadDicomMappings } from './dicom-conversion.tables.js';
import { DicomIntakeService } from './dicom-intake.service.js';

const SECRET = 'dicom-integration-secret';
const BASE = 'http://127.0.0.1:8080/dicomweb';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const STUDY = '1.2.826.0.1.3680043.8.498.7001';
const SERIES = `${STUDY}.1`;

/** A short-form explicit VR little endian element, value padded to even length. */
function element(group: number, elem: number, vr: string, value: string): Buffer {
  const pad = vr === 'UI' ? '\0' : ' ';
  const text = value.length % 2 === 0 ? value : value + pad;
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(Buffer.byteLength(text, 'latin1'), 6);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}

/** A small CT Part 10 file of the test patient (PatientID/Issuer as PID-3 value/authority), with pixels. */
function ctInstance(sop: string, instanceNumber: number): Buffer {
  const pixels = Buffer.alloc(8 * 8 * 2, 7);
  const pixelHead = Buffer.alloc(12);
  pixelHead.writeUInt16LE(0x7fe0, 0);
  pixelHead.writeUInt16LE(0x0010, 2);
  pixelHead.write('OW', 4, 'latin1');
  pixelHead.writeUInt32LE(pixels.length, 8);
  return Buffer.concat([
    buildFileMetaHeader({ sopClassUid: CT, sopInstanceUid: sop, transferSyntaxUid: EXPLICIT_LE }),
    element(0x0008, 0x0016, 'UI', CT),
    element(0x0008, 0x0018, 'UI', sop),
    element(0x0008, 0x0020, 'DA', '20240131'),
    element(0x0008, 0x0030, 'TM', '101500'),
    element(0x0008, 0x0050, 'SH', 'ACC-DX6'),
    element(0x0008, 0x0060, 'CS', 'CT'),
    element(0x0008, 0x0090, 'PN', 'Referrer^Rita'),
    element(0x0008, 0x1030, 'LO', 'CT CHEST'),
    element(0x0010, 0x0010, 'PN', 'Dicom^Name'),
    element(0x0010, 0x0020, 'LO', 'MRN-DX6'),
    element(0x0010, 0x0021, 'LO', 'HOSP'),
    element(0x0010, 0x0040, 'CS', 'O'),
    element(0x0018, 0x0015, 'CS', 'CHEST'),
    element(0x0020, 0x000d, 'UI', STUDY),
    element(0x0020, 0x000e, 'UI', SERIES),
    element(0x0020, 0x0011, 'IS', '1'),
    element(0x0020, 0x0013, 'IS', String(instanceNumber)),
    pixelHead,
    pixels,
  ]);
}

const ADT = [
  'MSH|^~\\&|ADT|HOSP|HIE|HIE|20240131090000||ADT^A01^ADT_A01|MSG-DX6-1|P|2.5',
  'EVN|A01|20240131090000',
  'PID|1||MRN-DX6^^^HOSP^MR||Feed^Patient^Q||19800215|F|||1 Main St^^Town^ST^12345||555-0100',
  'PV1|1|I|WARD^101^A',
].join('\r');

const ORM = [
  'MSH|^~\\&|RIS|HOSP|HIE|HIE|20240131093000||ORM^O01^ORM_O01|MSG-DX6-2|P|2.5',
  'PID|1||MRN-DX6^^^HOSP^MR||Feed^Patient^Q||19800215|F',
  'ORC|NW|PLACER-DX6|ACC-DX6||SC',
  'OBR|1|PLACER-DX6|ACC-DX6|71020^XR CHEST 2 VIEWS^C4',
].join('\r');

async function* chunks(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * The DICOM → ImagingStudy conversion on SQLite with the real intake, store and worker: an ADT
 * feed's Patient and an ORM's order come first; a DICOM instance of that patient and accession
 * then converts into an ImagingStudy linked to both, without touching the Patient; more
 * instances of the study update the same ImagingStudy, one version per job.
 */
describe('DICOM conversion on SQLite', () => {
  let store: TestStore;
  let dir: string;
  let stack: ProtectionStack;
  let messages: MessageRepository;
  let fhir: FhirRepository;
  let worker: ConversionWorker;
  let intake: DicomIntakeService;
  const queued: string[] = [];
  let patient: FhirResource;
  let order: FhirResource;
  let patientVersions: number;

  const convertQueued = async () => {
    const ids = queued.splice(0);
    return worker.handle(ids);
  };

  const store3 = async (sop: string, n: number): Promise<void> => {
    const result = await intake.accept({ channel: 'dicomweb', body: chunks(ctInstance(sop, n)) });
    if (!result.ok) throw new Error(`intake refused: ${result.code} ${result.reason}`);
  };

  beforeAll(async () => {
    store = await openTestStore('sqlite');
    dir = await mkdtemp(join(tmpdir(), 'hie-dicom-conv-'));
    stack = await openProtectionStack(
      {
        enabled: true,
        keyringFile: join(dir, 'keyring.json'),
        storage: { kind: 'local', dir: join(dir, 'content') },
        ledger: { kind: 'embedded' },
        anchor: { intervalMillis: 60_000, maxLeaves: 1000 },
      },
      store.dataSource,
    );
    const validator = createR4Validator();
    const mappings = join(repoRoot, 'mappings');
    messages = new MessageRepository(store.dataSource);
    fhir = new FhirRepository(store.dataSource);
    const instances = new DicomInstanceRepository(store.dataSource);
    const dispatcher = new ConversionDispatcher(
      new Hl7Conversion(await loadMappings(mappings), validator, { idSecret: SECRET }),
      new CdaConversion(await loadCdaMappings(mappings), validator, { idSecret: SECRET }),
    ).withDicom(new DicomConversion(await loadDicomMappings(mappings), validator, instances, fhir, { idSecret: SECRET, dicomwebBaseUrl: BASE }));
    worker = new ConversionWorker(messages, new ConversionRepository(store.dataSource), dispatcher);
    intake = new DicomIntakeService(
      {
        store: instances,
        messages,
        keys: stack.dataKeys,
        contents: stack.contents,
        hasher: stack.hasher,
        queue: { enqueue: async (ids) => void queued.push(...ids) },
      },
      { idSecret: SECRET, maxHeaderBytes: 1 << 20 },
    );

    const hl7 = [ADT, ORM].map((text) => {
      const raw = Buffer.from(text, 'utf8');
      return { id: uuidv7(), receivedAt: new Date(), channel: 'cli' as const, format: 'hl7v2' as const, raw, sizeBytes: raw.length, status: 'received' as const };
    });
    await messages.insertMany(hl7);
    expect(await worker.handle(hl7.map((m) => m.id))).toEqual({ converted: 2, failed: 0, skipped: 0 });
    const patients = await fhir.search('Patient', { identifier: 'MRN-DX6' });
    expect(patients.total).toBe(1);
    patient = patients.resources[0]!;
    patientVersions = (await fhir.history('Patient', patient.id!)).length;
    const orders = await fhir.search('ServiceRequest', { identifier: 'ACC-DX6' });
    expect(orders.total).toBe(1);
    order = orders.resources[0]!;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('links the ImagingStudy to the feed\'s Patient (not rewritten) and to the order of the accession', async () => {
    await store3(`${SERIES}.1`, 1);
    expect(queued).toHaveLength(1);
    const messageId = queued[0]!;
    expect(await convertQueued()).toEqual({ converted: 1, failed: 0, skipped: 0 });
    expect((await messages.getMany([messageId]))[0]!.status).toBe('converted');

    const found = await fhir.search('ImagingStudy', { patient: `Patient/${patient.id}` });
    expect(found.total).toBe(1);
    const study = found.resources[0]!;
    expect(study['subject']).toEqual({ reference: `Patient/${patient.id}` });
    expect(study['basedOn']).toEqual([{ reference: `ServiceRequest/${order.id}` }]);
    expect(study.meta?.versionId).toBe('1');
    expect(study['numberOfInstances']).toBe(1);
    expect((study['identifier'] as { value: string }[]).map((i) => i.value)).toEqual([`urn:oid:${STUDY}`, 'ACC-DX6']);
    // The Patient is the feed's, unchanged: no new version, its own name, not the DICOM header's.
    expect(await fhir.history('Patient', patient.id!)).toHaveLength(patientVersions);
    expect(await fhir.read('Patient', patient.id!)).toEqual(patient);
    expect(JSON.stringify(patient['name'])).toContain('Feed');
    expect((await fhir.search('ImagingStudy', { identifier: 'ACC-DX6' })).resources.map((r) => r.id)).toEqual([study.id]);
    // Its referrer and Endpoint were written with it.
    const referrer = (study['referrer'] as { reference: string }).reference.split('/');
    expect(await fhir.read(referrer[0]!, referrer[1]!)).toBeDefined();
    expect((await fhir.read('Endpoint', (study['endpoint'] as { reference: string }[])[0]!.reference.split('/')[1]!))?.['address']).toBe(BASE);
  });

  it('updates the same ImagingStudy with new instances: version 2 lists both', async () => {
    await store3(`${SERIES}.2`, 2);
    expect(await convertQueued()).toEqual({ converted: 1, failed: 0, skipped: 0 });
    const [study] = (await fhir.search('ImagingStudy', { patient: patient.id! })).resources;
    expect(study!.meta?.versionId).toBe('2');
    expect(study!['numberOfInstances']).toBe(2);
    const series = study!['series'] as { uid: string; instance: { uid: string }[] }[];
    expect(series.map((s) => s.uid)).toEqual([SERIES]);
    expect(series[0]!.instance.map((i) => i.uid)).toEqual([`${SERIES}.1`, `${SERIES}.2`]);
  });

  it('writes one ImagingStudy version for several instances of the study in one job', async () => {
    await store3(`${SERIES}.3`, 3);
    await store3(`${SERIES}.4`, 4);
    expect(await convertQueued()).toEqual({ converted: 2, failed: 0, skipped: 0 });
    const history = await fhir.history('ImagingStudy', (await fhir.search('ImagingStudy', { identifier: 'ACC-DX6' })).resources[0]!.id!);
    expect(history.map((v) => v.meta?.versionId)).toEqual(['3', '2', '1']);
    expect(history[0]!['numberOfInstances']).toBe(4);
  });
});

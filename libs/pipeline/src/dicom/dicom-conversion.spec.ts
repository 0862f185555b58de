import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createR4Validator, type FhirResource } from '@hie/fhir';
import { imagingStudyId, loadDicomTables, studyLocalPatientId } from '@hie/mapping';
import type { DicomInstanceRow, FhirSearchCriteria } from '@hie/store';
import { ConversionDispatcher } from '../conversion.dispatcher.js';
import { ConversionWorker } from '../conversion.worker.js';
import type { ConversionOutcomeRecord } from '../pipeline.ports.js';
import { DicomConversion, type DicomFhirLookupPort, type DicomInstanceSourcePort } from './dicom-conversion.js';
import { encodeDescriptor } from './dicom-intake.descriptor.js';

const SECRET = 'dicom-conversion-spec';
const BASE = 'http://127.0.0.1:8080/dicomweb';
const MAPPINGS = fileURLToPath(new URL('../../../../mappings/dicom/', import.meta.url));
const tables = loadDicomTables(readdirSync(MAPPINGS).map((f) => ({ path: `dicom/${f}`, text: readFileSync(join(MAPPINGS, f), 'utf8') })));
const validator = createR4Validator();

function row(study: string, sop: string, over: Partial<DicomInstanceRow> = {}): DicomInstanceRow {
  const metadata = {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00080018': { vr: 'UI', Value: [sop] },
    '00080020': { vr: 'DA', Value: ['20240131'] },
    '00080050': { vr: 'SH', Value: [over.accessionNumber ?? 'ACC1'] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
    '00100020': { vr: 'LO', Value: ['MRN1'] },
    '0020000D': { vr: 'UI', Value: [study] },
    '0020000E': { vr: 'UI', Value: [`${study}.1`] },
  };
  return {
    sopInstanceUid: sop,
    studyInstanceUid: study,
    seriesInstanceUid: `${study}.1`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    modality: 'CT',
    patientResourceId: 'patient-a',
    accessionNumber: 'ACC1',
    recordId: `r-${sop}`,
    versionId: 1,
    messageId: `m-${sop}`,
    cid: 'bafy',
    sizeBytes: 1,
    plaintextBytes: 1,
    contentHash: '0'.repeat(64),
    dataKeyId: '00000000-0000-0000-0000-000000000000',
    metadata: JSON.stringify(metadata),
    storedAt: new Date(0),
    ...over,
  };
}

function descriptor(study: string, sop: string): Buffer {
  return encodeDescriptor({
    kind: 'dicom-instance',
    cid: 'bafy',
    dataKeyId: 'k',
    aad: `DicomInstance/r/_history/1`,
    sizeBytes: 1,
    plaintextBytes: 1,
    contentHash: '0'.repeat(64),
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: sop,
    studyInstanceUid: study,
    seriesInstanceUid: `${study}.1`,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    recordId: 'r',
    versionId: 1,
  });
}

class FakeIndex implements DicomInstanceSourcePort {
  readonly studyReads: string[] = [];
  constructor(
    private readonly rows: DicomInstanceRow[],
    /** Message ids still waiting for conversion. */
    private readonly pending: readonly string[] = [],
  ) {}
  async withStudyLocks<T>(_studies: readonly string[], body: () => Promise<T>): Promise<T> {
    return body();
  }
  async hasNewerPendingMessage(study: string, messageId: string): Promise<boolean> {
    return this.rows.some((r) => r.studyInstanceUid === study && r.messageId > messageId && this.pending.includes(r.messageId));
  }
  readonly metadataReads: string[] = [];
  async instancesOfStudy(study: string, options: { metadata?: boolean } = {}): Promise<DicomInstanceRow[]> {
    this.studyReads.push(study);
    return this.rows.filter((r) => r.studyInstanceUid === study).map((r) => (options.metadata === false ? { ...r, metadata: '' } : r));
  }
  async metadataOf(sops: readonly string[]): Promise<Map<string, { versionId: number; metadata: string }>> {
    this.metadataReads.push(...sops);
    return new Map(this.rows.filter((r) => sops.includes(r.sopInstanceUid)).map((r) => [r.sopInstanceUid, { versionId: r.versionId, metadata: r.metadata }]));
  }
  async instancesOfMessage(messageId: string): Promise<DicomInstanceRow[]> {
    return this.rows.filter((r) => r.messageId === messageId);
  }
}

class FakeFhir implements DicomFhirLookupPort {
  constructor(private readonly resources: FhirResource[] = []) {}
  async read(type: string, id: string): Promise<FhirResource | undefined> {
    return this.resources.find((r) => r.resourceType === type && r.id === id);
  }
  async search(type: string, criteria: FhirSearchCriteria) {
    const found = this.resources.filter(
      (r) => r.resourceType === type && ((r['identifier'] as { value?: string }[] | undefined) ?? []).some((i) => i.value === criteria.identifier),
    );
    return { total: found.length, resources: found };
  }
}

function conversion(index: DicomInstanceSourcePort, fhir: DicomFhirLookupPort = new FakeFhir()): DicomConversion {
  return new DicomConversion(tables, validator, index, fhir, { idSecret: SECRET, dicomwebBaseUrl: BASE });
}

const types = (attempt: { ok: boolean; bundle?: { entry?: { resource?: FhirResource }[] } }) =>
  (attempt.bundle?.entry ?? []).map((e) => e.resource!.resourceType).sort();

describe('DicomConversion', () => {
  it('builds each study once per job from all its instances; the study\'s first message carries the Bundle', async () => {
    const index = new FakeIndex([row('1.2.3', '1.2.3.1.1'), row('1.2.3', '1.2.3.1.2'), row('1.2.4', '1.2.4.1.1', { patientResourceId: 'patient-b' })]);
    const attempts = await conversion(index).convertMessages([
      { id: 'a', raw: descriptor('1.2.3', '1.2.3.1.1') },
      { id: 'b', raw: descriptor('1.2.4', '1.2.4.1.1') },
      { id: 'c', raw: descriptor('1.2.3', '1.2.3.1.2') },
    ]);
    expect(index.studyReads).toEqual(['1.2.3', '1.2.4']);
    const a = attempts.get('a')!;
    if (!a.ok) throw new Error('a failed');
    expect(types(a)).toEqual(['Endpoint', 'ImagingStudy', 'Patient']);
    const study = a.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!;
    expect(study.id).toBe(imagingStudyId(SECRET, '1.2.3'));
    expect(study['numberOfInstances']).toBe(2);
    expect(study['subject']).toEqual({ reference: 'Patient/patient-a' });
    const c = attempts.get('c')!;
    expect(c.ok && (c.bundle.entry ?? []).length).toBe(0);
    const b = attempts.get('b')!;
    expect(b.ok && types(b)).toEqual(['Endpoint', 'ImagingStudy', 'Patient']);
  });

  it('reads each instance header once across rebuilds of a study', async () => {
    const index = new FakeIndex([row('1.2.3', '1.2.3.1.1', { messageId: 'm1' })]);
    const dicom = conversion(index);
    await dicom.convertMessages([{ id: 'm1', raw: descriptor('1.2.3', '1.2.3.1.1') }]);
    const second = row('1.2.3', '1.2.3.1.2', { messageId: 'm2' });
    (index as unknown as { rows: DicomInstanceRow[] }).rows.push(second);
    const attempt = (await dicom.convertMessages([{ id: 'm2', raw: descriptor('1.2.3', '1.2.3.1.2') }])).get('m2')!;
    if (!attempt.ok) throw new Error('m2 failed');
    expect(index.metadataReads).toEqual(['1.2.3.1.1', '1.2.3.1.2']);
    const study = attempt.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!;
    expect(study['numberOfInstances']).toBe(2);
    expect(JSON.stringify(study)).toContain('"modality"');
  });

  it('leaves a study to its newest waiting message: the job\'s messages convert with an empty Bundle', async () => {
    const first = row('1.2.3', '1.2.3.1.1', { messageId: 'm1' });
    const later = row('1.2.3', '1.2.3.1.2', { messageId: 'm2' });
    const waiting = new FakeIndex([first, later], ['m2']);
    const skipped = await conversion(waiting).convertMessages([{ id: 'm1', raw: descriptor('1.2.3', '1.2.3.1.1') }]);
    expect(waiting.studyReads).toEqual([]);
    const m1 = skipped.get('m1')!;
    expect(m1.ok && (m1.bundle.entry ?? []).length).toBe(0);
    // The newest message builds the study with both instances.
    const done = new FakeIndex([first, later]);
    const built = (await conversion(done).convertMessages([{ id: 'm2', raw: descriptor('1.2.3', '1.2.3.1.2') }])).get('m2')!;
    if (!built.ok) throw new Error('m2 failed');
    expect(built.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!['numberOfInstances']).toBe(2);
  });

  it('references a Patient the store holds without rewriting it, and links the order of the accession', async () => {
    const fhir = new FakeFhir([
      { resourceType: 'Patient', id: 'patient-a' },
      { resourceType: 'ServiceRequest', id: 'sr-other', identifier: [{ value: 'ACC1' }], subject: { reference: 'Patient/patient-z' } },
      { resourceType: 'ServiceRequest', id: 'sr-mine', identifier: [{ value: 'ACC1' }], subject: { reference: 'Patient/patient-a' } },
    ]);
    const attempt = await conversion(new FakeIndex([row('1.2.3', '1.2.3.1.1')]), fhir).convertStudy('1.2.3');
    if (!attempt.ok) throw new Error(JSON.stringify(attempt.outcome));
    expect(types(attempt)).toEqual(['Endpoint', 'ImagingStudy']);
    const study = attempt.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!;
    expect(study['basedOn']).toEqual([{ reference: 'ServiceRequest/sr-mine' }]);
  });

  it('does not link an order of another known patient, and says so', async () => {
    const fhir = new FakeFhir([{ resourceType: 'ServiceRequest', id: 'sr-other', identifier: [{ value: 'ACC1' }], subject: { reference: 'Patient/patient-z' } }]);
    const attempt = await conversion(new FakeIndex([row('1.2.3', '1.2.3.1.1')]), fhir).convertStudy('1.2.3');
    if (!attempt.ok) throw new Error('failed');
    const study = attempt.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!;
    expect(study['basedOn']).toBeUndefined();
    expect(attempt.issues.some((i) => i.code === 'business-rule')).toBe(true);
    // A study whose patient is study-local (no authority) takes the order by accession alone.
    const local = await conversion(new FakeIndex([row('1.2.3', '1.2.3.1.1', { patientResourceId: undefined })]), fhir).convertStudy('1.2.3');
    if (!local.ok) throw new Error('failed');
    const localStudy = local.bundle.entry!.find((e) => e.resource!.resourceType === 'ImagingStudy')!.resource!;
    expect(localStudy['basedOn']).toEqual([{ reference: 'ServiceRequest/sr-other' }]);
    expect(localStudy['subject']).toEqual({ reference: `Patient/${studyLocalPatientId(SECRET, '1.2.3')}` });
  });

  it('fails messages that are not stored instances, and studies the index no longer holds', async () => {
    const attempts = await conversion(new FakeIndex([])).convertMessages([
      { id: 'x', raw: Buffer.from('not json') },
      { id: 'y', raw: descriptor('9.9.9', '9.9.9.1') },
    ]);
    const code = (id: string) => {
      const a = attempts.get(id)!;
      return a.ok ? 'ok' : a.outcome.issue[0]!.details!.coding![0]!.code;
    };
    expect(code('x')).toBe('DICOM_DESCRIPTOR_INVALID');
    expect(code('y')).toBe('DICOM_STUDY_NOT_INDEXED');
  });

  it('finds the study of a message without a descriptor through the index', async () => {
    const index = new FakeIndex([row('1.2.3', '1.2.3.1.1', { messageId: 'legacy' })]);
    const attempts = await conversion(index).convertMessages([{ id: 'legacy', raw: Buffer.alloc(0) }]);
    expect(attempts.get('legacy')!.ok).toBe(true);
  });
});

describe('ConversionDispatcher + ConversionWorker with DICOM', () => {
  const unusedOutcome = { resourceType: 'OperationOutcome' as const, issue: [] };
  const unusedHl7 = { convert: () => ({ ok: false as const, outcome: unusedOutcome }) };
  const unusedCda = { convert: () => ({ ok: false as const, outcome: unusedOutcome, failure: { code: 'X', issueType: 'x', httpStatus: 500, text: 'x' } }) };

  it('converts a job\'s DICOM messages together and commits one outcome per message', async () => {
    const index = new FakeIndex([row('1.2.3', '1.2.3.1.1'), row('1.2.3', '1.2.3.1.2')]);
    const dispatcher = new ConversionDispatcher(unusedHl7, unusedCda).withDicom(conversion(index));
    const committed: ConversionOutcomeRecord[] = [];
    const stored = [
      { id: 'a', raw: descriptor('1.2.3', '1.2.3.1.1'), format: 'dicom' as const, status: 'received' as const, receivedAt: new Date() },
      { id: 'b', raw: descriptor('1.2.3', '1.2.3.1.2'), format: 'dicom' as const, status: 'received' as const, receivedAt: new Date() },
      { id: 'done', raw: descriptor('1.2.3', '1.2.3.1.2'), format: 'dicom' as const, status: 'converted' as const, receivedAt: new Date() },
    ];
    const worker = new ConversionWorker(
      { getMany: async () => stored },
      {
        commit: async (outcomes) => {
          committed.push(...outcomes);
          return new Map(outcomes.map((o) => [o.messageId, 'applied' as const]));
        },
      },
      dispatcher,
    );
    const result = await worker.handle(['a', 'b', 'done']);
    expect(result).toEqual({ converted: 2, failed: 0, skipped: 1 });
    expect(committed.map((o) => [o.messageId, o.kind])).toEqual([
      ['a', 'converted'],
      ['b', 'converted'],
    ]);
    expect(index.studyReads).toEqual(['1.2.3']);
  });

  it('fails a DICOM message outside a worker wired with the DICOM conversion', async () => {
    const dispatcher = new ConversionDispatcher(unusedHl7, unusedCda);
    const attempt = dispatcher.convert(descriptor('1.2.3', '1.2.3.1.1'), { format: 'dicom' });
    expect(attempt.ok).toBe(false);
    const [batch] = await dispatcher.convertBatch([{ id: 'a', raw: Buffer.alloc(0), format: 'dicom' }]);
    expect(batch!.ok ? 'ok' : batch!.outcome.issue[0]!.details!.coding![0]!.code).toBe('DICOM_CONVERSION_UNAVAILABLE');
  });
});

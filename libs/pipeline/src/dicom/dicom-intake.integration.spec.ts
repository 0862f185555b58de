import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import { openEnvelopeStream } from '@hie/crypto';
import { readDicomHeader } from '@hie/dicom';
import { InProcessQueue } from '@hie/queue';
import { DicomInstanceRepository, MessageRepository, openDatabase, ProtectionRepository, type DataSource } from '@hie/store';
import { openProtectionStack, type ProtectionStack } from '../protect/protection.stack.js';
import { decodeDescriptor, type DicomObjectRef } from './dicom-intake.descriptor.js';
import { DicomIntakeService, type DicomInstanceSource, type DicomIntakeResult } from './dicom-intake.service.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const corpus = join(repoRoot, 'fixtures/dicom/pydicom');

/** A file as a stream of 64 KiB chunks, as the edges hand bodies over. */
function fileBody(name: string): AsyncIterable<Uint8Array> {
  return createReadStream(join(corpus, name), { highWaterMark: 64 * 1024 });
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** The data set of a Part 10 file (what a C-STORE carries): after the preamble, 'DICM' and the file meta group. */
function datasetOf(file: Buffer): Buffer {
  const groupLength = file.readUInt32LE(132 + 8); // (0002,0000) UL, explicit VR LE: tag 4 + VR 2 + length 2
  return file.subarray(132 + 12 + groupLength);
}

describe('DicomIntakeService on SQLite, the local content store and the in-process queue', () => {
  let dir: string;
  let dataSource: DataSource;
  let stack: ProtectionStack;
  let queue: InProcessQueue;
  const queued: string[] = [];
  let instances: DicomInstanceRepository;
  let messages: MessageRepository;
  let intake: (maxHeaderBytes?: number) => DicomIntakeService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-dicom-intake-'));
    const config = loadConfig({ HIE_DATA_DIR: dir, HIE_DICOM_DEFAULT_ISSUER: 'HOSP' }, repoRoot);
    dataSource = await openDatabase(config.database);
    stack = await openProtectionStack(config.protect, dataSource);
    queue = new InProcessQueue();
    queue.consume(async (ids) => void queued.push(...ids), { concurrency: 1 });
    instances = new DicomInstanceRepository(dataSource);
    messages = new MessageRepository(dataSource);
    intake = (maxHeaderBytes = config.dicom.maxHeaderBytes) =>
      new DicomIntakeService(
        { store: instances, messages, keys: stack.dataKeys, contents: stack.contents, hasher: stack.hasher, queue },
        { idSecret: config.idSecret, maxHeaderBytes, ...(config.dicom.defaultIssuer ? { defaultIssuer: config.dicom.defaultIssuer } : {}) },
      );
  });
  afterAll(async () => {
    await queue?.close();
    await stack?.close();
    await dataSource?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function openObject(ref: Pick<DicomObjectRef, 'cid' | 'dataKeyId' | 'aad'>): Promise<Buffer> {
    const key = await stack.dataKeys.byKeyId(ref.dataKeyId);
    return collect(openEnvelopeStream(key, Buffer.from(ref.aad, 'utf8'), stack.contents.get(ref.cid)));
  }

  async function accepted(source: DicomInstanceSource): Promise<Extract<DicomIntakeResult, { ok: true }>> {
    const result = await intake().accept(source);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    return result as Extract<DicomIntakeResult, { ok: true }>;
  }

  it.each([
    ['CT_small.dcm', '1.2.840.10008.1.2.1'],
    ['MR_small_implicit.dcm', '1.2.840.10008.1.2'],
    ['JPEG-lossy.dcm', '1.2.840.10008.1.2.4.51'],
  ])('stores %s: the object decrypts to the exact input bytes, indexed and queued', async (name, transferSyntaxUid) => {
    const bytes = await readFile(join(corpus, name));
    const header = readDicomHeader(bytes);
    const result = await accepted({ channel: 'dicomweb', body: fileBody(name) });
    expect(result).toMatchObject({ sopInstanceUid: header.sopInstanceUid, studyInstanceUid: header.studyInstanceUid, duplicate: false });
    const row = await instances.findBySopInstanceUid(header.sopInstanceUid);
    expect(row).toMatchObject({ transferSyntaxUid, messageId: result.messageId, versionId: 1, plaintextBytes: bytes.length });
    expect(JSON.parse(row!.metadata)).toEqual(header.metadata);
    expect((await openObject({ cid: row!.cid, dataKeyId: row!.dataKeyId, aad: `DicomInstance/${row!.recordId}/_history/${row!.versionId}` })).equals(bytes)).toBe(true);
    expect((await messages.get(result.messageId))!.status).toBe('received');
    await expect.poll(() => queued.includes(result.messageId)).toBe(true);
  });

  it('a C-STORE data set is stored as a Part 10 file that reads back with the same header', async () => {
    const file = await readFile(join(corpus, 'MR_small.dcm'));
    const original = readDicomHeader(file);
    const dataset = datasetOf(file);
    const result = await accepted({
      channel: 'dimse', body: (async function* () { yield dataset; })(), datasetTransferSyntaxUid: original.transferSyntaxUid,
      announced: { sopClassUid: original.sopClassUid, sopInstanceUid: original.sopInstanceUid }, callingAeTitle: 'STORESCU',
    });
    const row = await instances.findBySopInstanceUid(result.sopInstanceUid);
    // pydicom's MR_small variants share one SOP Instance UID: this is a new version of the implicit VR one.
    expect(row!.versionId).toBe(2);
    const stored = await openObject({ cid: row!.cid, dataKeyId: row!.dataKeyId, aad: `DicomInstance/${row!.recordId}/_history/${row!.versionId}` });
    expect(stored.subarray(128, 132).toString('latin1')).toBe('DICM');
    expect(stored.subarray(stored.length - dataset.length).equals(dataset)).toBe(true);
    const reread = readDicomHeader(stored);
    expect(reread).toMatchObject({ sopInstanceUid: original.sopInstanceUid, transferSyntaxUid: original.transferSyntaxUid });
    expect(reread.metadata).toEqual(original.metadata);
  });

  it('the same file again is a duplicate: nothing written', async () => {
    const before = await messages.countByStatus();
    const result = await accepted({ channel: 'dimse', body: fileBody('CT_small.dcm') });
    expect(result.duplicate).toBe(true);
    expect(await messages.countByStatus()).toEqual(before);
  });

  it('MR_truncated.dcm is refused with its reason and kept as a failed message', async () => {
    const bytes = await readFile(join(corpus, 'MR_truncated.dcm'));
    const result = await intake().accept({ channel: 'dicomweb', body: fileBody('MR_truncated.dcm') });
    expect(result).toMatchObject({ ok: false, code: 'DICOM_TRUNCATED' });
    const id = (result as { messageId?: string }).messageId!;
    const failed = await messages.list({ status: 'failed' });
    expect(failed.map((m) => m.id)).toContain(id);
    const message = await messages.get(id);
    expect(message!.outcome!.issue[0]).toMatchObject({ code: 'incomplete', details: { coding: [{ code: 'DICOM_TRUNCATED' }] } });
    expect(message!.outcome!.issue[0]!.details!.text).toMatch(/\S/);
    const kept = decodeDescriptor(message!.raw)!;
    expect((await openObject(kept)).equals(bytes)).toBe(true);
  });

  it('a refusal reprocessed after the header limit is raised is stored', async () => {
    const small = await intake(1024).accept({ channel: 'dicomweb', body: fileBody('MR_small_RLE.dcm') });
    expect(small).toMatchObject({ ok: false, code: 'DICOM_HEADER_TOO_LARGE' });
    const id = (small as { messageId?: string }).messageId!;
    const [refused] = await messages.getMany([id]);
    expect((await intake(1024).reaccept(refused!))).toMatchObject({ ok: false, code: 'DICOM_HEADER_TOO_LARGE', messageId: id });
    const again = await intake().reaccept((await messages.getMany([id]))[0]!);
    expect(again).toMatchObject({ ok: true, messageId: id, duplicate: false });
    expect((await messages.get(id))!.status).toBe('received');
    const row = await instances.findBySopInstanceUid((again as { sopInstanceUid: string }).sopInstanceUid);
    expect(row!.messageId).toBe(id);
    const bytes = await readFile(join(corpus, 'MR_small_RLE.dcm'));
    expect((await openObject({ cid: row!.cid, dataKeyId: row!.dataKeyId, aad: `DicomInstance/${row!.recordId}/_history/${row!.versionId}` })).equals(bytes)).toBe(true);
  });

  it('every corpus file is either stored or refused with a reason and kept; none fails the store', async () => {
    const names = (await readdir(corpus)).filter((n) => n.endsWith('.dcm')).sort();
    expect(names.length).toBeGreaterThan(50);
    const outcomes: Record<string, string> = {};
    for (const name of names) {
      const result = await intake().accept({ channel: 'dicomweb', body: fileBody(name) });
      outcomes[name] = result.ok ? 'stored' : result.code;
      if (!result.ok) {
        expect(result.code, name).not.toBe('DICOM_STORE_FAILED');
        expect(result.reason.length, name).toBeGreaterThan(0);
        expect(result.messageId, name).toBeDefined();
      } else {
        const row = await instances.findBySopInstanceUid(result.sopInstanceUid);
        expect(row, name).toBeDefined();
      }
    }
    expect(outcomes['CT_small.dcm']).toBe('stored');
    expect(outcomes['MR_truncated.dcm']).toBe('DICOM_TRUNCATED');
  });

  it('the anchor batcher anchors the instances\' protected records', async () => {
    const tick = await stack.batcher.tick();
    expect(tick.batchesAnchored).toBe(1);
    const records = new ProtectionRepository(dataSource);
    const row = await instances.findBySopInstanceUid(readDicomHeader(await readFile(join(corpus, 'CT_small.dcm'))).sopInstanceUid);
    expect(await records.findRecord('DicomInstance', row!.recordId)).toMatchObject({ cid: row!.cid, batch: { status: 'anchored' } });
    expect((await records.stageCounts()).unbatchedRecords).toBe(0);
  });
  it('erasing the patient deletes the index rows, redacts the messages and leaves the objects unreadable', async () => {
    const sop = readDicomHeader(await readFile(join(corpus, 'CT_small.dcm'))).sopInstanceUid;
    const row = (await instances.findBySopInstanceUid(sop))!;
    expect(row.patientResourceId).toBeDefined(); // PatientID under the configured default issuer
    const report = await stack.eraser.erase(row.patientResourceId!);
    expect(report.dataKeysDestroyed).toBe(1);
    expect(await instances.findBySopInstanceUid(sop)).toBeUndefined();
    const message = (await messages.get(row.messageId))!;
    expect(message.erasedAt).toBeInstanceOf(Date);
    expect(message.raw.length).toBe(0);
    await expect(openObject({ cid: row.cid, dataKeyId: row.dataKeyId, aad: `DicomInstance/${row.recordId}/_history/${row.versionId}` }))
      .rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deterministicId, InvalidInputError } from '@hie/common';
import { openEnvelopeStream, RecordHasher, sha256 } from '@hie/crypto';
import type { DicomInstanceHeader } from '@hie/dicom';
import type { OperationOutcome } from '@hie/fhir';
import type { DicomCommitResult, DicomInstanceCommit, DicomInstanceRow, NewMessage, NewProtectedRecord } from '@hie/store';
import type { StoredRecord } from '../pipeline.ports.js';
import { ReprocessService } from '../reprocess.service.js';
import { SHARED_SUBJECT } from '../protect/record-subject.js';
import type { DicomCodec, DicomScanMode, DicomScanner } from './dicom-intake.codec.js';
import { decodeDescriptor, type DicomRefusedDescriptor, type DicomStoredDescriptor } from './dicom-intake.descriptor.js';
import { DicomRefusalRetrier } from './dicom-intake.retrier.js';
import { DicomIntakeService, dicomKeyedHash, type DicomInstanceSource, type DicomIntakeResult } from './dicom-intake.service.js';
import { dicomPatientResourceId } from './dicom-patient.identity.js';

const SECRET = 'intake-spec';
const SOP_CLASS = '1.2.840.10008.5.1.4.1.1.2';
const TS = '1.2.840.10008.1.2.1';

/**
 * A stand-in object format the fake scanner reads: `<json header>\n<payload>`, the header naming
 * the UIDs and how many payload bytes must follow (`length`), so truncation is detectable.
 */
interface FakeHeader { sop: string; study?: string; cls?: string; patientId?: string; issuer?: string; length: number }
function fakeObject(h: FakeHeader, payload: Buffer = randomBytes(h.length)): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), payload]);
}

class FakeScanner implements DicomScanner {
  private headerBytes: Buffer[] = [];
  private parsed?: FakeHeader;
  private payload = 0;
  header: DicomInstanceHeader | undefined;
  constructor(private readonly mode: DicomScanMode, private readonly maxHeaderBytes: number) {}
  push(chunk: Uint8Array): void {
    if (this.parsed) return void (this.payload += chunk.byteLength);
    const buffer = Buffer.from(chunk);
    const nl = buffer.indexOf(0x0a);
    this.headerBytes.push(nl < 0 ? buffer : buffer.subarray(0, nl));
    const size = this.headerBytes.reduce((n, b) => n + b.length, 0);
    if (size > this.maxHeaderBytes) throw new InvalidInputError('DICOM_HEADER_TOO_LARGE', `Header exceeds ${this.maxHeaderBytes} bytes`);
    if (nl < 0) return;
    const text = Buffer.concat(this.headerBytes).toString();
    if (!text.startsWith('{')) throw new InvalidInputError('DICOM_NOT_PART10', 'No DICM prefix');
    this.parsed = JSON.parse(text) as FakeHeader;
    this.payload = buffer.length - nl - 1;
    const h = this.parsed;
    this.header = {
      transferSyntaxUid: this.mode.mode === 'dataset' ? this.mode.transferSyntaxUid : TS,
      sopClassUid: h.cls ?? SOP_CLASS, sopInstanceUid: h.sop, studyInstanceUid: h.study ?? '1.2.3', seriesInstanceUid: '1.2.3.1',
      metadata: {
        '00080060': { vr: 'CS', Value: ['CT'] }, '00200013': { vr: 'IS', Value: [7] },
        ...(h.patientId ? { '00100020': { vr: 'LO', Value: [h.patientId] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JOHN' }] } } : {}),
        ...(h.issuer ? { '00100021': { vr: 'LO', Value: [h.issuer] } } : {}),
      },
    };
  }
  end(): DicomInstanceHeader {
    if (!this.header || this.payload < this.parsed!.length) throw new InvalidInputError('DICOM_TRUNCATED', 'Stream ended inside Pixel Data (7FE0,0010)');
    return this.header;
  }
}

const codec: DicomCodec = {
  createScanner: (mode, limits) => new FakeScanner(mode, limits.maxHeaderBytes),
  buildFileMetaHeader: (input) => Buffer.from(`META:${input.sopInstanceUid}:${input.transferSyntaxUid}|`),
};

/** In-memory DicomInstanceRepository + MessageRepository with the same commit rules. */
class FakeStore {
  readonly messages = new Map<string, Omit<NewMessage, 'status'> & { status: string }>();
  readonly instances = new Map<string, DicomInstanceRow>();
  readonly records: NewProtectedRecord[] = [];
  /** Results to return before the real rule (simulated races). */
  readonly injected: DicomCommitResult[] = [];
  async versionState(sop: string, recordId: string) {
    const current = this.instances.get(sop);
    const latest = Math.max(0, ...this.records.filter((r) => r.id === recordId).map((r) => r.versionId));
    return { latestVersion: latest, ...(current ? { current: { versionId: current.versionId, contentHash: current.contentHash, messageId: current.messageId } } : {}) };
  }
  async commit(c: DicomInstanceCommit): Promise<DicomCommitResult> {
    const forced = this.injected.shift();
    if (forced) return forced;
    const current = this.instances.get(c.instance.sopInstanceUid);
    if (current?.contentHash === c.instance.contentHash) return { kind: 'duplicate', messageId: current.messageId, versionId: current.versionId };
    const latest = (await this.versionState(c.instance.sopInstanceUid, c.record.id)).latestVersion;
    if (latest + 1 !== c.instance.versionId) return { kind: 'version-taken', latestVersion: latest };
    if (c.replaceFailed) {
      const m = this.messages.get(c.message.id);
      if (m?.status !== 'failed') return { kind: 'message-gone' };
      this.messages.set(c.message.id, { ...c.message, receivedAt: m.receivedAt });
    } else this.messages.set(c.message.id, { ...c.message });
    this.instances.set(c.instance.sopInstanceUid, c.instance);
    this.records.push(c.record);
    return { kind: 'stored' };
  }
  async updateRefusal(id: string, outcome: OperationOutcome, raw?: Buffer): Promise<boolean> {
    const m = this.messages.get(id);
    if (m?.status !== 'failed') return false;
    this.messages.set(id, { ...m, outcome, ...(raw ? { raw } : {}) });
    return true;
  }
  async settleAsDuplicate(id: string, raw: Buffer): Promise<boolean> {
    const m = this.messages.get(id);
    if (m?.status !== 'failed') return false;
    this.messages.set(id, { ...m, status: 'anchored', raw });
    return true;
  }
  async insertMany(rows: readonly NewMessage[]): Promise<void> {
    for (const r of rows) this.messages.set(r.id, { ...r });
  }
  async getMany(ids: readonly string[]): Promise<StoredRecord[]> {
    return ids.flatMap((id) => {
      const m = this.messages.get(id);
      return m ? [{ id, receivedAt: m.receivedAt, raw: m.raw, format: m.format, status: m.status as StoredRecord['status'] }] : [];
    });
  }
  async markForReprocess(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const m = this.messages.get(id);
      if (m?.status === 'failed') { m.status = 'received'; n++; }
    }
    return n;
  }
  async list(filter: { status?: string; limit?: number; before?: string }): Promise<{ id: string; format?: 'hl7v2' | 'cda' | 'dicom' }[]> {
    const ids = [...this.messages.keys()].sort().reverse().filter((id) => this.messages.get(id)!.status === filter.status && (!filter.before || id < filter.before));
    return ids.slice(0, filter.limit).map((id) => ({ id, format: this.messages.get(id)!.format }));
  }
}

class FakeContents {
  readonly objects = new Map<string, Buffer[]>();
  failPut = false;
  private n = 0;
  /** Called with the size of each chunk put consumes. */
  onChunk?: (bytes: number) => void;
  async put(content: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
    if (this.failPut) throw new Error('disk full');
    const chunks: Buffer[] = [];
    if (content instanceof Uint8Array) chunks.push(Buffer.from(content));
    else for await (const chunk of content) { chunks.push(Buffer.from(chunk)); this.onChunk?.(chunk.byteLength); }
    const cid = `bafk-${++this.n}`;
    this.objects.set(cid, chunks);
    return cid;
  }
  async *get(cid: string): AsyncIterable<Uint8Array> {
    const chunks = this.objects.get(cid);
    if (!chunks) throw new Error('not found');
    yield* chunks;
  }
  async unpin(cid: string): Promise<void> {
    this.objects.delete(cid);
  }
}

class FakeKeys {
  readonly byId = new Map<string, Buffer>();
  readonly bySubject = new Map<string, string>();
  async forSubject(subject: string) {
    let id = this.bySubject.get(subject);
    if (!id) {
      id = `0190a0a0-0000-7000-8000-${String(this.bySubject.size + 1).padStart(12, '0')}`;
      this.bySubject.set(subject, id);
      this.byId.set(id, randomBytes(32));
    }
    return { id, key: this.byId.get(id)! };
  }
  async byKeyId(id: string): Promise<Buffer> {
    const key = this.byId.get(id);
    if (!key) throw new InvalidInputError('DATA_KEY_DESTROYED', 'destroyed');
    return key;
  }
}

function setup(options: { maxHeaderBytes?: number; defaultIssuer?: string } = {}) {
  const store = new FakeStore();
  const contents = new FakeContents();
  const keys = new FakeKeys();
  const hasher = new RecordHasher(Buffer.alloc(32, 7));
  const enqueued: string[] = [];
  const deps = { store, messages: store, keys, contents, hasher, queue: { enqueue: async (ids: readonly string[]) => void enqueued.push(...ids) }, codec };
  const make = (maxHeaderBytes = options.maxHeaderBytes ?? 4096) =>
    new DicomIntakeService(deps, { idSecret: SECRET, maxHeaderBytes, ...(options.defaultIssuer ? { defaultIssuer: options.defaultIssuer } : {}) });
  return { store, contents, keys, hasher, enqueued, service: make(), make };
}

async function* chunks(bytes: Buffer, size = 1000, fail?: Error): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  if (fail) throw fail;
}

async function opened(contents: FakeContents, keys: FakeKeys, ref: { cid: string; dataKeyId: string; aad: string }): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of openEnvelopeStream(await keys.byKeyId(ref.dataKeyId), Buffer.from(ref.aad), contents.get(ref.cid))) out.push(c);
  return Buffer.concat(out);
}

function okOf(result: DicomIntakeResult): Extract<DicomIntakeResult, { ok: true }> {
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return result as Extract<DicomIntakeResult, { ok: true }>;
}
function refusalOf(result: DicomIntakeResult): Extract<DicomIntakeResult, { ok: false }> {
  expect(result.ok).toBe(false);
  return result as Extract<DicomIntakeResult, { ok: false }>;
}

describe('DicomIntakeService', () => {
  it('stores a Part 10 object: encrypted under the patient key, one message/index/record, queued', async () => {
    const { store, contents, keys, hasher, enqueued, service } = setup();
    const bytes = fakeObject({ sop: '1.2.3.4', patientId: 'MRN123', issuer: 'HOSP', length: 50_000 });
    const result = okOf(await service.accept({ channel: 'dicomweb', body: chunks(bytes) }));
    expect(result).toMatchObject({ duplicate: false, sopInstanceUid: '1.2.3.4', sopClassUid: SOP_CLASS, studyInstanceUid: '1.2.3' });
    const message = store.messages.get(result.messageId)!;
    expect(message).toMatchObject({ format: 'dicom', channel: 'dicomweb', status: 'received', messageType: 'DICOM', sizeBytes: bytes.length });
    expect(message.controlId).toBeUndefined();
    const descriptor = decodeDescriptor(message.raw) as DicomStoredDescriptor;
    expect(message.raw.length).toBeLessThan(1000); // a descriptor, no pixel bytes
    const recordId = deterministicId(SECRET, ['DicomInstance', '1.2.3.4']);
    expect(descriptor).toMatchObject({ kind: 'dicom-instance', recordId, versionId: 1, aad: `DicomInstance/${recordId}/_history/1` });
    expect((await opened(contents, keys, descriptor)).equals(bytes)).toBe(true);
    const patientId = dicomPatientResourceId(SECRET, { metadata: { '00100020': { vr: 'LO', Value: ['MRN123'] }, '00100021': { vr: 'LO', Value: ['HOSP'] } } });
    const row = store.instances.get('1.2.3.4')!;
    expect(row).toMatchObject({ patientResourceId: patientId, patientId: 'MRN123', issuerOfPatientId: 'HOSP', patientName: 'DOE^JOHN', modality: 'CT', instanceNumber: 7, versionId: 1, plaintextBytes: bytes.length });
    expect(row.dataKeyId).toBe(keys.bySubject.get(hasher.pseudonym('Patient', patientId!)));
    const contentHash = sha256(bytes);
    expect(store.records).toEqual([{
      type: 'DicomInstance', id: recordId, versionId: 1, messageId: result.messageId, subjectKey: hasher.pseudonym('Patient', patientId!),
      dataKeyId: row.dataKeyId, cid: descriptor.cid, contentOffset: 0, contentHash: contentHash.toString('hex'),
      keyedHash: dicomKeyedHash(hasher, contentHash), sizeBytes: descriptor.sizeBytes,
    }]);
    expect(enqueued).toEqual([result.messageId]);
  });

  it('DIMSE: the stored object is the file meta followed by the data set; the announced UIDs must match', async () => {
    const { store, contents, keys, service } = setup();
    const dataset = fakeObject({ sop: '1.2.3.5', length: 3000 });
    const ok = okOf(await service.accept({ channel: 'dimse', body: chunks(dataset), datasetTransferSyntaxUid: '1.2.840.10008.1.2', announced: { sopClassUid: SOP_CLASS, sopInstanceUid: '1.2.3.5' }, callingAeTitle: 'MODALITY1' }));
    const descriptor = decodeDescriptor(store.messages.get(ok.messageId)!.raw) as DicomStoredDescriptor;
    expect((await opened(contents, keys, descriptor)).equals(Buffer.concat([Buffer.from('META:1.2.3.5:1.2.840.10008.1.2|'), dataset]))).toBe(true);
    expect(store.messages.get(ok.messageId)!.sendingFacility).toBe('MODALITY1');
    expect(store.instances.get('1.2.3.5')!.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    // No patient named: the shared key.
    expect(store.instances.get('1.2.3.5')!.patientResourceId).toBeUndefined();
    expect(store.records.at(-1)!.subjectKey).toBe(SHARED_SUBJECT);

    const other = fakeObject({ sop: '1.2.3.6', length: 3000 });
    const refused = refusalOf(await service.accept({ channel: 'dimse', body: chunks(other), datasetTransferSyntaxUid: TS, announced: { sopInstanceUid: '1.2.3.999' } }));
    expect(refused).toMatchObject({ code: 'DICOM_SOP_MISMATCH', sopInstanceUid: '1.2.3.6' });
    const failed = store.messages.get(refused.messageId!)!;
    expect(failed.status).toBe('failed');
    expect(failed.outcome!.issue[0]).toMatchObject({ code: 'conflict', details: { coding: [{ code: 'DICOM_SOP_MISMATCH' }] } });
    const kept = decodeDescriptor(failed.raw) as DicomRefusedDescriptor;
    expect(kept).toMatchObject({ kind: 'dicom-refused', code: 'DICOM_SOP_MISMATCH', source: { bytes: 'dataset', channel: 'dimse' } });
    expect(kept.dataKeyId).toBe(keys.bySubject.get(SHARED_SUBJECT));
    expect((await opened(contents, keys, kept)).equals(other)).toBe(true); // exactly what arrived
    expect(store.instances.has('1.2.3.6')).toBe(false);
  });

  it('STOW to /studies/{uid}: another study is refused', async () => {
    const { service } = setup();
    const result = refusalOf(await service.accept({ channel: 'dicomweb', body: chunks(fakeObject({ sop: '1.2.3.7', study: '9.9', length: 10 })), expectedStudyInstanceUid: '1.2.3' }));
    expect(result.code).toBe('DICOM_STUDY_MISMATCH');
    expect(result.messageId).toBeDefined();
  });

  it('same SOP Instance UID and content: duplicate, nothing written; new content: version 2', async () => {
    const { store, contents, keys, enqueued, service } = setup();
    const bytes = fakeObject({ sop: '1.2.3.8', length: 5000 });
    const first = okOf(await service.accept({ channel: 'dicomweb', body: chunks(bytes) }));
    const objects = contents.objects.size;
    const again = okOf(await service.accept({ channel: 'dimse', body: chunks(bytes, 333) }));
    expect(again).toMatchObject({ duplicate: true, messageId: first.messageId });
    expect(store.messages.size).toBe(1);
    expect(contents.objects.size).toBe(objects); // the duplicate's object was dropped
    expect(enqueued).toEqual([first.messageId]);
    const changed = okOf(await service.accept({ channel: 'dicomweb', body: chunks(fakeObject({ sop: '1.2.3.8', length: 5000 })) }));
    const row = store.instances.get('1.2.3.8')!;
    expect(row).toMatchObject({ versionId: 2, messageId: changed.messageId });
    const descriptor = decodeDescriptor(store.messages.get(changed.messageId)!.raw) as DicomStoredDescriptor;
    expect(descriptor.aad).toMatch(/_history\/2$/);
    expect((await opened(contents, keys, descriptor)).length).toBeGreaterThan(5000);
  });

  it('a concurrent writer took the version: re-sealed for the next one and stored', async () => {
    const { store, contents, keys, service } = setup();
    store.injected.push({ kind: 'version-taken', latestVersion: 1 });
    // the race winner's record, so the fake's own rule agrees on the next version
    store.records.push({ type: 'DicomInstance', id: deterministicId(SECRET, ['DicomInstance', '1.2.3.9']), versionId: 1, messageId: 'x', subjectKey: 's', dataKeyId: 'k', cid: 'c', contentOffset: 0, contentHash: '0'.repeat(64), keyedHash: '0'.repeat(64), sizeBytes: 1 });
    const bytes = fakeObject({ sop: '1.2.3.9', length: 4000 });
    const result = okOf(await service.accept({ channel: 'dicomweb', body: chunks(bytes) }));
    const descriptor = decodeDescriptor(store.messages.get(result.messageId)!.raw) as DicomStoredDescriptor;
    expect(descriptor.versionId).toBe(2);
    expect((await opened(contents, keys, descriptor)).equals(bytes)).toBe(true);
    expect(contents.objects.size).toBe(1); // the version-1 object was dropped
  });

  it('a truncated object is refused after streaming, and what arrived is kept', async () => {
    const { store, contents, keys, enqueued, service } = setup();
    const whole = fakeObject({ sop: '1.2.3.10', patientId: 'P1', issuer: 'H', length: 10_000 });
    const cut = whole.subarray(0, whole.length - 100);
    const result = refusalOf(await service.accept({ channel: 'dicomweb', body: chunks(cut) }));
    expect(result).toMatchObject({ code: 'DICOM_TRUNCATED', sopInstanceUid: '1.2.3.10' });
    expect(result.reason).toContain('Pixel Data');
    const kept = decodeDescriptor(store.messages.get(result.messageId!)!.raw) as DicomRefusedDescriptor;
    expect((await opened(contents, keys, kept)).equals(cut)).toBe(true);
    expect(store.instances.size).toBe(0);
    expect(store.records).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('a source that fails mid-transfer: refused as truncated, what arrived is kept', async () => {
    const { store, contents, keys, service } = setup();
    const bytes = fakeObject({ sop: '1.2.3.11', length: 10_000 });
    const result = refusalOf(await service.accept({ channel: 'dimse', body: chunks(bytes.subarray(0, 6000), 1000, new Error('ECONNRESET')) }));
    expect(result.code).toBe('DICOM_TRUNCATED');
    const kept = decodeDescriptor(store.messages.get(result.messageId!)!.raw) as DicomRefusedDescriptor;
    expect((await opened(contents, keys, kept)).equals(bytes.subarray(0, 6000))).toBe(true);
  });

  it('garbage and an oversized header are refused; every byte kept; nothing held past the limit', async () => {
    const { store, contents, keys, service } = setup({ maxHeaderBytes: 2048 });
    const garbage = randomBytes(20_000);
    garbage[0] = 0x41;
    const g = refusalOf(await service.accept({ channel: 'dicomweb', body: chunks(garbage) }));
    expect(['DICOM_NOT_PART10', 'DICOM_HEADER_TOO_LARGE']).toContain(g.code);
    const big = fakeObject({ sop: '1.2.3.12', length: 100 }, Buffer.alloc(100));
    const huge = Buffer.concat([Buffer.from(`{"pad":"${'x'.repeat(10_000)}",`), big.subarray(1)]);
    const h = refusalOf(await service.accept({ channel: 'dicomweb', body: chunks(huge, 512) }));
    expect(h.code).toBe('DICOM_HEADER_TOO_LARGE');
    const kept = decodeDescriptor(store.messages.get(h.messageId!)!.raw) as DicomRefusedDescriptor;
    expect((await opened(contents, keys, kept)).equals(huge)).toBe(true);
    expect(store.messages.get(h.messageId!)!.outcome!.issue[0]!.code).toBe('too-long');
  });

  it('streams with backpressure: the source is read only as fast as storage takes it', async () => {
    const { contents, service } = setup();
    let produced = 0;
    let consumed = 0;
    let maxLag = 0;
    const chunkSize = 64 * 1024;
    const total = 40 * 1024 * 1024;
    async function* source(): AsyncIterable<Uint8Array> {
      yield fakeObject({ sop: '1.2.3.13', length: total }, Buffer.alloc(0));
      for (let sent = 0; sent < total; sent += chunkSize) {
        produced += chunkSize;
        yield Buffer.alloc(chunkSize);
      }
    }
    contents.onChunk = (bytes) => {
      consumed += bytes;
      maxLag = Math.max(maxLag, produced - consumed);
    };
    okOf(await service.accept({ channel: 'dicomweb', body: source() }));
    // About one envelope segment (1 MiB) in flight, never the object (40 MiB).
    expect(maxLag).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(consumed).toBeGreaterThan(total);
  });

  it('storage down: DICOM_STORE_FAILED, no message, never a rejection', async () => {
    const { store, contents, service } = setup();
    contents.failPut = true;
    const result = refusalOf(await service.accept({ channel: 'dimse', body: chunks(fakeObject({ sop: '1.2.3.14', length: 100 })) }));
    expect(result.code).toBe('DICOM_STORE_FAILED');
    expect(result.messageId).toBeUndefined();
    expect(store.messages.size).toBe(0);
  });

  it('reprocess: the same refusal again, then success after the limit is raised', async () => {
    const { store, contents, keys, enqueued, make } = setup({ maxHeaderBytes: 1024 });
    const bytes = fakeObject({ sop: '1.2.3.15', cls: SOP_CLASS, patientId: `P-${'9'.repeat(1500)}`, issuer: 'H', length: 2000 });
    const refused = refusalOf(await make().accept({ channel: 'dimse', body: chunks(bytes), datasetTransferSyntaxUid: TS, announced: { sopInstanceUid: '1.2.3.15' } }));
    expect(refused.code).toBe('DICOM_HEADER_TOO_LARGE');
    const id = refused.messageId!;
    const keptCid = (decodeDescriptor(store.messages.get(id)!.raw) as DicomRefusedDescriptor).cid;
    const stored = async () => (await store.getMany([id]))[0]!;

    const again = refusalOf(await make(1024).reaccept(await stored()));
    expect(again).toMatchObject({ code: 'DICOM_HEADER_TOO_LARGE', messageId: id });
    expect((await stored()).status).toBe('failed');
    expect(contents.objects.has(keptCid)).toBe(true);

    const raised = make(64 * 1024);
    expect(raised.isRefusal(await stored())).toBe(true);
    const ok = okOf(await raised.reaccept(await stored()));
    expect(ok).toMatchObject({ messageId: id, sopInstanceUid: '1.2.3.15', duplicate: false });
    const message = await stored();
    expect(message.status).toBe('received');
    expect(store.messages.get(id)!.channel).toBe('dimse');
    const descriptor = decodeDescriptor(message.raw) as DicomStoredDescriptor;
    // Kept as the bare data set: re-read with its transfer syntax, so the stored instance gets the file meta.
    expect((await opened(contents, keys, descriptor)).equals(Buffer.concat([Buffer.from(`META:1.2.3.15:${TS}|`), bytes]))).toBe(true);
    expect(contents.objects.has(keptCid)).toBe(false); // the refused copy is no longer needed
    expect(enqueued).toEqual([id]);
    expect(refusalOf(await raised.reaccept(message)).code).toBe('DICOM_STORE_FAILED'); // not a refusal any more
  });

  it('reprocess of every failed message: DICOM refusals go through intake, other failures are queued for conversion', async () => {
    const { store, make, enqueued } = setup({ maxHeaderBytes: 1024 });
    const refused = refusalOf(await make().accept({ channel: 'dicomweb', body: chunks(fakeObject({ sop: '1.2.3.16', patientId: 'x'.repeat(2000), issuer: 'H', length: 10 })) }));
    const stillBad = refusalOf(await make().accept({ channel: 'dicomweb', body: chunks(Buffer.from('not dicom at all\n')) }));
    await store.insertMany([{ id: '0000-hl7', receivedAt: new Date(), channel: 'mllp', format: 'hl7v2', raw: Buffer.from('MSH|'), sizeBytes: 4, status: 'failed' }]);
    const raised = make(64 * 1024);
    const jobs: string[] = [];
    const reprocess = new ReprocessService(store, { enqueue: async (ids) => void jobs.push(...ids) }, 1, new DicomRefusalRetrier(store, raised));
    expect(await reprocess.reprocess({ status: 'failed' })).toEqual({ count: 2 });
    expect(store.messages.get(refused.messageId!)!.status).toBe('received');
    expect(store.messages.get(stillBad.messageId!)!.status).toBe('failed');
    expect(store.messages.get('0000-hl7')!.status).toBe('received');
    expect(jobs).toEqual(['0000-hl7']);
    expect(enqueued).toEqual([refused.messageId]);
  });
});

import { createHash, type Hash } from 'node:crypto';
import { deterministicId, uuidv7 } from '@hie/common';
import { openEnvelopeStream, sealEnvelopeStream, type RecordHasher } from '@hie/crypto';
import type { DicomInstanceHeader, DicomRefusalCode } from '@hie/dicom';
import type { ContentStore } from '@hie/storage';
import type { DicomCommitResult, DicomInstanceCommit, DicomInstanceRow, DicomVersionState, NewMessage } from '@hie/store';
import type { OperationOutcome } from '@hie/fhir';
import { silentLogger, type JobQueuePort, type MessageStorePort, type PipelineLogger, type StoredRecord } from '../pipeline.ports.js';
import type { DataKey, DataKeyService } from '../protect/data-key.service.js';
import { SHARED_SUBJECT } from '../protect/record-subject.js';
import { DicomBodyReader } from './dicom-intake.body-reader.js';
import { DICOM_CODEC, type DicomCodec, type DicomScanner } from './dicom-intake.codec.js';
import {
  decodeDescriptor, encodeDescriptor, type DicomObjectRef, type DicomRefusedDescriptor, type DicomSourceFacts, type DicomStoredDescriptor,
} from './dicom-intake.descriptor.js';
import { checkHeader, indexValues } from './dicom-intake.instance-row.js';
import { dicomFailureFromError, dicomOutcome, type DicomFailure, type DicomIntakeRefusalCode } from './dicom-failure.mapper.js';
import { dicomPatientIdentifier, dicomPatientResourceId } from './dicom-patient.identity.js';

/** One instance offered by an edge: a STOW-RS part or a C-STORE data set, as a stream. */
export interface DicomInstanceSource {
  channel: 'dimse' | 'dicomweb';
  /** A Part 10 file (STOW), or the bare data set (DIMSE). */
  body: AsyncIterable<Uint8Array>;
  /** Set for DIMSE: the body is a data set in this transfer syntax (no preamble, no file meta). */
  datasetTransferSyntaxUid?: string;
  /** From the C-STORE command: must match the data set's. */
  announced?: { sopClassUid?: string; sopInstanceUid?: string };
  callingAeTitle?: string;
  /** STOW-RS to /studies/{uid}: the instance must belong to this study. */
  expectedStudyInstanceUid?: string;
}

/** What the edge answers: success (DIMSE 0x0000 / ReferencedSOPSequence) or a refusal (failure status / FailedSOPSequence). */
export type DicomIntakeResult =
  | {
      ok: true;
      /** The message that stored this content (for a duplicate: the earlier one). */
      messageId: string;
      sopClassUid: string;
      sopInstanceUid: string;
      studyInstanceUid: string;
      seriesInstanceUid: string;
      /** The same SOP Instance UID with the same content was stored already: nothing new written. */
      duplicate: boolean;
    }
  | {
      ok: false;
      /** The failed message keeping the refused bytes; absent when nothing could be kept. */
      messageId?: string;
      code: DicomRefusalCode | 'DICOM_STUDY_MISMATCH' | 'DICOM_SOP_MISMATCH' | 'DICOM_STORE_FAILED';
      /** PHI-free. */
      reason: string;
      sopClassUid?: string;
      sopInstanceUid?: string;
    };

/** The store operations of a DICOM intake (DicomInstanceRepository's). */
export interface DicomIntakeStorePort {
  versionState(sopInstanceUid: string, recordId: string): Promise<DicomVersionState>;
  commit(commit: DicomInstanceCommit): Promise<DicomCommitResult>;
  updateRefusal(messageId: string, outcome: OperationOutcome, raw?: Buffer): Promise<boolean>;
  settleAsDuplicate(messageId: string, raw: Buffer): Promise<boolean>;
}

/** What a {@link DicomIntakeService} is built from. */
export interface DicomIntakeDeps {
  readonly store: DicomIntakeStorePort;
  readonly messages: Pick<MessageStorePort, 'insertMany' | 'getMany'>;
  readonly keys: Pick<DataKeyService, 'forSubject' | 'byKeyId'>;
  readonly contents: Pick<ContentStore, 'put' | 'get' | 'unpin'>;
  readonly hasher: Pick<RecordHasher, 'pseudonym' | 'keyedHash'>;
  readonly queue: JobQueuePort;
  readonly logger?: PipelineLogger;
  /** libs/dicom by default; specs pass fakes. */
  readonly codec?: DicomCodec;
}

/** Settings of a {@link DicomIntakeService}. */
export interface DicomIntakeOptions {
  /** The deployment's id secret (deterministic Patient and record ids). */
  readonly idSecret: string;
  /** Largest header read before Pixel Data (`HIE_DICOM_MAX_HEADER_BYTES`). */
  readonly maxHeaderBytes: number;
  /** Assigning authority for a PatientID sent without one (`HIE_DICOM_DEFAULT_ISSUER`). */
  readonly defaultIssuer?: string;
}

/** The protected-record type of a stored instance. */
export const DICOM_INSTANCE_RECORD_TYPE = 'DicomInstance';

/** Retries when a concurrent writer took the version an object was sealed for. */
const MAX_VERSION_RETRIES = 4;

/** Domain prefix of an instance's keyed hash: canonical JSON never holds a NUL, so the two kinds never collide. */
const KEYED_HASH_PREFIX = Buffer.from('DicomInstance\u0000', 'utf8');

/** The AAD of an instance version: a ciphertext moved to another instance or version fails to open. */
export function dicomInstanceAad(recordId: string, versionId: number): string {
  return `${DICOM_INSTANCE_RECORD_TYPE}/${recordId}/_history/${versionId}`;
}

/** The keyed hash (Merkle leaf) of an instance: HMAC over the SHA-256 of its Part 10 bytes, so it is computed while streaming. */
export function dicomKeyedHash(hasher: Pick<RecordHasher, 'keyedHash'>, contentHash: Buffer): string {
  return hasher.keyedHash(Buffer.concat([KEYED_HASH_PREFIX, contentHash])).toString('hex');
}

/** One intake in progress: a fresh one (`accept`) or a refused message read back (`reaccept`). */
interface RunContext {
  readonly messageId: string;
  readonly receivedAt: Date;
  /** Reprocessing this failed message: its refused object, kept until the run succeeds. */
  readonly reprocessing?: { readonly previous: DicomRefusedDescriptor };
}

/** The sealed plaintext of a run: its hash and sizes, filled while it streams. */
interface Sealed {
  cid: string;
  sizeBytes: number;
  plaintextBytes: number;
  contentHash: Buffer;
}

/**
 * DICOM intake (DIMSE C-STORE and STOW-RS alike): reads the header as the bytes stream through,
 * picks the patient's data key from it, and streams the Part 10 object, encrypted (segmented
 * AES-GCM), into the content store, never holding it whole: only the chunks before the header
 * is complete are held (at most `maxHeaderBytes`). Then ONE transaction writes the message
 * (`received`), the index row and the protected record the anchor batcher anchors, and the
 * message is queued for ImagingStudy conversion. Refused objects are kept too (content store
 * plus a `failed` message with the reason) and can be reprocessed ({@link reaccept}).
 */
export class DicomIntakeService {
  private readonly codec: DicomCodec;
  private readonly logger: PipelineLogger;

  constructor(
    private readonly deps: DicomIntakeDeps,
    private readonly options: DicomIntakeOptions,
  ) {
    this.codec = deps.codec ?? DICOM_CODEC;
    this.logger = deps.logger ?? silentLogger;
  }

  /** Takes one instance. Never rejects: every failure is a result with a code. */
  async accept(source: DicomInstanceSource): Promise<DicomIntakeResult> {
    return this.guarded(source, { messageId: uuidv7(), receivedAt: new Date() });
  }

  /**
   * Re-runs intake on a refused DICOM message's kept bytes (after a configuration change, say):
   * success turns the message into the stored instance's (`received`, queued); a refusal again
   * keeps it `failed` with the new reason. Not a refused DICOM message: DICOM_STORE_FAILED.
   */
  async reaccept(message: Pick<StoredRecord, 'id' | 'format' | 'status' | 'raw' | 'receivedAt'>): Promise<DicomIntakeResult> {
    const previous = message.format === 'dicom' && message.status === 'failed' ? decodeDescriptor(message.raw) : undefined;
    if (previous?.kind !== 'dicom-refused') return storeFailed('The message is not a refused DICOM instance');
    let key: Buffer;
    try {
      key = await this.deps.keys.byKeyId(previous.dataKeyId, { fresh: true });
    } catch {
      return storeFailed('The kept bytes cannot be decrypted (data key destroyed)');
    }
    const body = openEnvelopeStream(key, Buffer.from(previous.aad, 'utf8'), this.deps.contents.get(previous.cid));
    const s = previous.source;
    const source: DicomInstanceSource = {
      channel: s.channel,
      body,
      ...(s.bytes === 'dataset' && s.datasetTransferSyntaxUid ? { datasetTransferSyntaxUid: s.datasetTransferSyntaxUid } : {}),
      ...(s.announced ? { announced: s.announced } : {}),
      ...(s.callingAeTitle ? { callingAeTitle: s.callingAeTitle } : {}),
      ...(s.expectedStudyInstanceUid ? { expectedStudyInstanceUid: s.expectedStudyInstanceUid } : {}),
    };
    return this.guarded(source, { messageId: message.id, receivedAt: message.receivedAt, reprocessing: { previous } });
  }

  /** Whether a stored message is a refused DICOM intake (which {@link reaccept} re-runs) rather than a failed conversion. */
  isRefusal(message: Pick<StoredRecord, 'format' | 'status' | 'raw'>): boolean {
    return message.format === 'dicom' && message.status === 'failed' && decodeDescriptor(message.raw)?.kind === 'dicom-refused';
  }

  private async guarded(source: DicomInstanceSource, ctx: RunContext): Promise<DicomIntakeResult> {
    try {
      return await this.run(source, ctx);
    } catch (error) {
      this.logger.error(`DICOM intake ${ctx.messageId} failed: ${errorName(error)}`);
      return storeFailed('The instance could not be stored; send it again');
    }
  }

  private async run(source: DicomInstanceSource, ctx: RunContext): Promise<DicomIntakeResult> {
    const facts = sourceFacts(source);
    const reader = new DicomBodyReader(source.body);
    try {
      let scanner: DicomScanner;
      try {
        scanner = this.codec.createScanner(
          source.datasetTransferSyntaxUid ? { mode: 'dataset', transferSyntaxUid: source.datasetTransferSyntaxUid } : { mode: 'part10' },
          { maxHeaderBytes: this.options.maxHeaderBytes },
        );
      } catch (error) {
        return await this.refuse(ctx, source, facts, reader, [], dicomFailureFromError(error), undefined);
      }
      const held: Uint8Array[] = [];
      const head = await this.readHeader(reader, scanner, held);
      if (ctx.reprocessing && reader.failed) return storeFailed('The kept bytes could not be read back');
      if (head.failure || !head.header) {
        return await this.refuse(ctx, source, facts, reader, held, head.failure ?? { code: 'DICOM_BAD_ENCODING', reason: 'No header' }, undefined);
      }
      const header = head.header;
      const check = checkHeader(header, source);
      if (check) return await this.refuse(ctx, source, facts, reader, held, check, header);
      return await this.store(ctx, source, reader, scanner, held, header, head.ended);
    } finally {
      // Whatever went wrong (the database, a key), the source is released, never left hanging.
      await reader.abandon();
    }
  }

  /** Phase 1: hold chunks until the header is known (bounded: the scanner refuses past maxHeaderBytes). */
  private async readHeader(
    reader: DicomBodyReader, scanner: DicomScanner, held: Uint8Array[],
  ): Promise<{ header?: DicomInstanceHeader; failure?: DicomFailure; ended: boolean }> {
    let heldBytes = 0;
    for (;;) {
      const header = scanner.header;
      if (header) return { header, ended: false };
      const chunk = await reader.next();
      if (chunk === undefined) {
        if (reader.failed) return { failure: interrupted(), ended: true };
        try {
          return { header: scanner.end(), ended: true };
        } catch (error) {
          return { failure: dicomFailureFromError(error), ended: true };
        }
      }
      held.push(chunk);
      // A second fence besides the scanner's own limit: whatever it does, intake never holds
      // much more than maxHeaderBytes (plus the chunk that crossed it) of one object.
      if (heldBytes >= this.options.maxHeaderBytes) {
        return { failure: { code: 'DICOM_HEADER_TOO_LARGE', reason: `The header exceeds ${this.options.maxHeaderBytes} bytes` }, ended: false };
      }
      heldBytes += chunk.byteLength;
      try {
        scanner.push(chunk);
      } catch (error) {
        return { failure: dicomFailureFromError(error), ended: false };
      }
    }
  }

  /** Phase 2: seal the object under the patient's key as it streams, then commit. */
  private async store(
    ctx: RunContext, source: DicomInstanceSource, reader: DicomBodyReader, scanner: DicomScanner, held: Uint8Array[],
    header: DicomInstanceHeader, ended: boolean,
  ): Promise<DicomIntakeResult> {
    const patientId = dicomPatientResourceId(this.options.idSecret, header, this.options.defaultIssuer);
    const subjectKey = patientId === undefined ? SHARED_SUBJECT : this.deps.hasher.pseudonym('Patient', patientId);
    const recordId = deterministicId(this.options.idSecret, [DICOM_INSTANCE_RECORD_TYPE, header.sopInstanceUid]);
    const [dataKey, state] = await Promise.all([this.deps.keys.forSubject(subjectKey), this.deps.store.versionState(header.sopInstanceUid, recordId)]);
    let versionId = state.latestVersion + 1;
    let late: DicomFailure | undefined;
    const prefix = source.datasetTransferSyntaxUid
      ? this.codec.buildFileMetaHeader({
          sopClassUid: header.sopClassUid,
          sopInstanceUid: header.sopInstanceUid,
          transferSyntaxUid: source.datasetTransferSyntaxUid,
          ...(source.callingAeTitle ? { sourceAeTitle: source.callingAeTitle } : {}),
        })
      : undefined;
    const rest = async function* (): AsyncIterable<Uint8Array> {
      let scanning = !ended;
      for (;;) {
        const chunk = await reader.next();
        if (chunk === undefined) break;
        if (scanning) {
          try {
            scanner.push(chunk);
          } catch (error) {
            late = dicomFailureFromError(error);
            scanning = false; // keep reading: whatever arrived is kept
          }
        }
        yield chunk;
      }
      if (!scanning) return;
      if (reader.failed) late = interrupted();
      else {
        try {
          scanner.end();
        } catch (error) {
          late = dicomFailureFromError(error);
        }
      }
    };
    let sealed = await this.seal(dataKey, dicomInstanceAad(recordId, versionId), prefix ? [prefix] : [], held, rest());
    if (ctx.reprocessing && reader.failed) {
      await this.unpin(sealed.cid);
      return storeFailed('The kept bytes could not be read back');
    }
    if (late) {
      // The object is sealed already, under the patient's key: keep it as it is (an erasure of
      // the patient shreds it too) rather than read it back to re-seal under the shared key.
      const kept: DicomObjectRef = objectRef(sealed, dataKey.id, dicomInstanceAad(recordId, versionId));
      return this.keepRefusal(ctx, source, { ...sourceFacts(source), bytes: 'part10' }, kept, late, header);
    }
    const base = {
      header, source, ctx, recordId, subjectKey, dataKey, patientId,
      authority: dicomPatientIdentifier(header, this.options.defaultIssuer)?.authority,
    };
    for (let attempt = 0; ; attempt++) {
      const commit = this.commitOf(base, sealed, versionId);
      let result: DicomCommitResult;
      try {
        result = await this.deps.store.commit(commit);
      } catch (error) {
        await this.unpin(sealed.cid); // nothing refers to it: the sender sends again
        throw error;
      }
      if (result.kind === 'stored') {
        this.enqueue(ctx.messageId);
        if (ctx.reprocessing) await this.unpin(ctx.reprocessing.previous.cid);
        return accepted(ctx.messageId, header, false);
      }
      if (result.kind === 'duplicate') {
        await this.unpin(sealed.cid);
        if (ctx.reprocessing) {
          await this.deps.store.settleAsDuplicate(ctx.messageId, encodeDescriptor({ ...ctx.reprocessing.previous, duplicateOf: result.messageId }));
        }
        return accepted(result.messageId, header, true);
      }
      if (result.kind === 'message-gone') {
        await this.unpin(sealed.cid);
        return storeFailed('The message was reprocessed or erased meanwhile');
      }
      if (attempt >= MAX_VERSION_RETRIES) {
        await this.unpin(sealed.cid);
        return storeFailed('The instance is being stored concurrently; send it again');
      }
      // A concurrent arrival of the same SOP Instance UID took this version: re-seal for the next.
      const next = result.latestVersion + 1;
      const resealed = await this.reseal(sealed, dataKey, dicomInstanceAad(recordId, versionId), dicomInstanceAad(recordId, next));
      await this.unpin(sealed.cid);
      sealed = resealed;
      versionId = next;
    }
  }

  /** A refusal found before anything was sealed: keep whatever arrived under the shared key. */
  private async refuse(
    ctx: RunContext, source: DicomInstanceSource, facts: DicomSourceFacts, reader: DicomBodyReader, held: Uint8Array[],
    failure: DicomFailure, header: DicomInstanceHeader | undefined,
  ): Promise<DicomIntakeResult> {
    if (ctx.reprocessing) {
      // The bytes are kept already: record the (new) reason only.
      await reader.abandon();
      return this.keepRefusal(ctx, source, facts, undefined, failure, header);
    }
    const aad = `Message/${ctx.messageId}/raw`;
    const dataKey = await this.deps.keys.forSubject(SHARED_SUBJECT);
    const rest = async function* (): AsyncIterable<Uint8Array> {
      for (;;) {
        const chunk = await reader.next();
        if (chunk === undefined) return;
        yield chunk;
      }
    };
    let sealed: Sealed;
    try {
      sealed = await this.seal(dataKey, aad, [], held, rest());
    } catch (error) {
      await reader.abandon();
      this.logger.error(`DICOM intake ${ctx.messageId}: refused bytes not kept (${errorName(error)})`);
      return refused(undefined, failure, header);
    }
    return this.keepRefusal(ctx, source, facts, objectRef(sealed, dataKey.id, aad), failure, header);
  }

  /** Writes (or, on reprocess, updates) the failed message of a refusal. */
  private async keepRefusal(
    ctx: RunContext, source: DicomInstanceSource, facts: DicomSourceFacts, kept: DicomObjectRef | undefined, failure: DicomFailure,
    header: DicomInstanceHeader | undefined,
  ): Promise<DicomIntakeResult> {
    const outcome = dicomOutcome(failure);
    if (ctx.reprocessing) {
      if (kept) await this.unpin(kept.cid); // a second copy of the bytes already kept
      const raw = encodeDescriptor({ ...ctx.reprocessing.previous, code: failure.code });
      await this.deps.store.updateRefusal(ctx.messageId, outcome, raw);
      return refused(ctx.messageId, failure, header);
    }
    if (!kept) return refused(undefined, failure, header);
    const descriptor: DicomRefusedDescriptor = {
      kind: 'dicom-refused',
      ...kept,
      code: failure.code,
      source: facts,
      ...(header ? { sopClassUid: header.sopClassUid, sopInstanceUid: header.sopInstanceUid } : announcedUids(source)),
    };
    const message: NewMessage = {
      id: ctx.messageId,
      receivedAt: ctx.receivedAt,
      channel: source.channel,
      format: 'dicom',
      raw: encodeDescriptor(descriptor),
      sizeBytes: kept.plaintextBytes,
      messageType: 'DICOM',
      ...(source.callingAeTitle ? { sendingFacility: clip(source.callingAeTitle) } : {}),
      status: 'failed',
      outcome,
    };
    try {
      await this.deps.messages.insertMany([message]);
    } catch (error) {
      this.logger.error(`DICOM intake ${ctx.messageId}: refusal not recorded (${errorName(error)})`);
      await this.unpin(kept.cid);
      return refused(undefined, failure, header);
    }
    this.logger.warn(`DICOM intake ${ctx.messageId} refused: ${failure.code}`);
    return refused(ctx.messageId, failure, header);
  }

  /** Streams prefix + held + rest through SHA-256 and the envelope into one content-store object. */
  private async seal(
    dataKey: DataKey, aad: string, prefix: readonly Uint8Array[], held: Uint8Array[], rest: AsyncIterable<Uint8Array>,
  ): Promise<Sealed> {
    const hash = createHash('sha256');
    let plaintextBytes = 0;
    const plaintext = async function* (): AsyncIterable<Uint8Array> {
      const feed = (chunk: Uint8Array, h: Hash): Uint8Array => {
        h.update(chunk);
        plaintextBytes += chunk.byteLength;
        return chunk;
      };
      for (const chunk of prefix) yield feed(chunk, hash);
      // The held chunks are released as they go: from here on nothing is kept.
      while (held.length > 0) yield feed(held.shift()!, hash);
      for await (const chunk of rest) yield feed(chunk, hash);
    };
    let sizeBytes = 0;
    const envelope = async function* (): AsyncIterable<Uint8Array> {
      for await (const chunk of sealEnvelopeStream({ keyId: dataKey.id, key: dataKey.key, aad: Buffer.from(aad, 'utf8') }, plaintext())) {
        sizeBytes += chunk.byteLength;
        yield chunk;
      }
    };
    const cid = await this.deps.contents.put(envelope());
    return { cid, sizeBytes, plaintextBytes, contentHash: hash.digest() };
  }

  /** Re-encrypts a stored object for another AAD (the rare version race), streaming. */
  private async reseal(sealed: Sealed, dataKey: DataKey, fromAad: string, toAad: string): Promise<Sealed> {
    const plaintext = openEnvelopeStream(dataKey.key, Buffer.from(fromAad, 'utf8'), this.deps.contents.get(sealed.cid));
    const again = await this.seal(dataKey, toAad, [], [], plaintext);
    if (!again.contentHash.equals(sealed.contentHash)) throw new Error('re-sealed content differs');
    return again;
  }

  private commitOf(
    base: {
      header: DicomInstanceHeader; source: DicomInstanceSource; ctx: RunContext; recordId: string; subjectKey: string; dataKey: DataKey;
      patientId: string | undefined; authority: string | undefined;
    },
    sealed: Sealed,
    versionId: number,
  ): DicomInstanceCommit {
    const { header, source, ctx, recordId, dataKey } = base;
    const contentHash = sealed.contentHash.toString('hex');
    const instance: DicomInstanceRow = {
      sopInstanceUid: header.sopInstanceUid,
      studyInstanceUid: header.studyInstanceUid,
      seriesInstanceUid: header.seriesInstanceUid,
      sopClassUid: header.sopClassUid,
      transferSyntaxUid: header.transferSyntaxUid,
      ...indexValues(header),
      ...(base.authority !== undefined && base.patientId !== undefined ? { issuerOfPatientId: base.authority } : {}),
      ...(base.patientId !== undefined ? { patientResourceId: base.patientId } : {}),
      recordId,
      versionId,
      messageId: ctx.messageId,
      cid: sealed.cid,
      sizeBytes: sealed.sizeBytes,
      plaintextBytes: sealed.plaintextBytes,
      contentHash,
      dataKeyId: dataKey.id,
      metadata: JSON.stringify(header.metadata),
      storedAt: new Date(),
    };
    const descriptor: DicomStoredDescriptor = {
      kind: 'dicom-instance',
      cid: sealed.cid,
      dataKeyId: dataKey.id,
      aad: dicomInstanceAad(recordId, versionId),
      sizeBytes: sealed.sizeBytes,
      plaintextBytes: sealed.plaintextBytes,
      contentHash,
      sopClassUid: header.sopClassUid,
      sopInstanceUid: header.sopInstanceUid,
      studyInstanceUid: header.studyInstanceUid,
      seriesInstanceUid: header.seriesInstanceUid,
      transferSyntaxUid: header.transferSyntaxUid,
      recordId,
      versionId,
    };
    return {
      instance,
      record: {
        type: DICOM_INSTANCE_RECORD_TYPE,
        id: recordId,
        versionId,
        messageId: ctx.messageId,
        subjectKey: base.subjectKey,
        dataKeyId: dataKey.id,
        cid: sealed.cid,
        contentOffset: 0,
        contentHash,
        keyedHash: dicomKeyedHash(this.deps.hasher, sealed.contentHash),
        sizeBytes: sealed.sizeBytes,
      },
      message: {
        id: ctx.messageId,
        receivedAt: ctx.receivedAt,
        channel: source.channel,
        format: 'dicom',
        raw: encodeDescriptor(descriptor),
        sizeBytes: sealed.plaintextBytes,
        messageType: 'DICOM',
        ...(source.callingAeTitle ? { sendingFacility: clip(source.callingAeTitle) } : {}),
        status: 'received',
      },
      ...(ctx.reprocessing ? { replaceFailed: true } : {}),
    };
  }

  private enqueue(messageId: string): void {
    // The message is durable already; a lost enqueue is repaired by the recovery sweep.
    this.deps.queue.enqueue([messageId]).catch((error: unknown) => {
      this.logger.warn(`enqueue of DICOM message ${messageId} failed (${errorName(error)}); the recovery sweep will queue it`);
    });
  }

  /** Best effort: an object nothing refers to (a duplicate's, a lost race's). */
  private async unpin(cid: string): Promise<void> {
    try {
      await this.deps.contents.unpin(cid);
    } catch (error) {
      this.logger.warn(`unpin of an unreferenced DICOM object failed (${errorName(error)})`);
    }
  }
}

function sourceFacts(source: DicomInstanceSource): DicomSourceFacts {
  return {
    channel: source.channel,
    bytes: source.datasetTransferSyntaxUid ? 'dataset' : 'part10',
    ...(source.datasetTransferSyntaxUid ? { datasetTransferSyntaxUid: source.datasetTransferSyntaxUid } : {}),
    ...(source.announced ? { announced: { ...source.announced } } : {}),
    ...(source.callingAeTitle ? { callingAeTitle: source.callingAeTitle } : {}),
    ...(source.expectedStudyInstanceUid ? { expectedStudyInstanceUid: source.expectedStudyInstanceUid } : {}),
  };
}

function objectRef(sealed: Sealed, dataKeyId: string, aad: string): DicomObjectRef {
  return {
    cid: sealed.cid, dataKeyId, aad, sizeBytes: sealed.sizeBytes, plaintextBytes: sealed.plaintextBytes, contentHash: sealed.contentHash.toString('hex'),
  };
}

function announcedUids(source: DicomInstanceSource): { sopClassUid?: string; sopInstanceUid?: string } {
  return {
    ...(source.announced?.sopClassUid ? { sopClassUid: source.announced.sopClassUid } : {}),
    ...(source.announced?.sopInstanceUid ? { sopInstanceUid: source.announced.sopInstanceUid } : {}),
  };
}

function accepted(messageId: string, header: DicomInstanceHeader, duplicate: boolean): DicomIntakeResult {
  return {
    ok: true, messageId, duplicate, sopClassUid: header.sopClassUid, sopInstanceUid: header.sopInstanceUid,
    studyInstanceUid: header.studyInstanceUid, seriesInstanceUid: header.seriesInstanceUid,
  };
}

function refused(messageId: string | undefined, failure: DicomFailure, header: DicomInstanceHeader | undefined): DicomIntakeResult {
  return {
    ok: false,
    ...(messageId ? { messageId } : {}),
    code: failure.code as DicomIntakeRefusalCode,
    reason: failure.reason,
    ...(header ? { sopClassUid: header.sopClassUid, sopInstanceUid: header.sopInstanceUid } : {}),
  };
}

function storeFailed(reason: string): DicomIntakeResult {
  return { ok: false, code: 'DICOM_STORE_FAILED', reason };
}

function interrupted(): DicomFailure {
  return { code: 'DICOM_TRUNCATED', reason: 'The transfer ended with an error before the object was complete' };
}

function clip(value: string): string {
  return value.length > 64 ? value.slice(0, 64) : value;
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return code ? `${error.name} ${String(code)}` : error.name;
  }
  return typeof error;
}

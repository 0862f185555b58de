import { createHash } from 'node:crypto';
import { deterministicId, NotFoundError } from '@hie/common';
import { openEnvelopeStream, type RecordHasher } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import type { ContentStore } from '@hie/storage';
import type { DicomInstanceRow } from '@hie/store';
import type { DataKeyService } from '../protect/data-key.service.js';
import type { ProtectedRecordView } from '../protect/protect.ports.js';
import {
  anchorCheck, DATA_KEY_DESTROYED_DETAIL, errorCode, merkleProofCheck, verifyReportOf, type VerifyCheck, type VerifyReport,
} from '../protect/record-evidence.checks.js';
import { DICOM_INSTANCE_RECORD_TYPE, dicomInstanceAad, dicomKeyedHash } from './dicom-intake.service.js';
import { checkUid } from './dicom-query.params.js';

/** What {@link DicomInstanceVerifier} reads. */
export interface DicomVerifierSources {
  records: { findRecord(type: string, id: string, versionId?: number): Promise<ProtectedRecordView | undefined> };
  /** The instance index (DicomInstanceRepository): the current version's row, absent once the patient is erased. */
  index: { findBySopInstanceUid(sopInstanceUid: string): Promise<DicomInstanceRow | undefined> };
  contents: Pick<ContentStore, 'get'>;
  keys: Pick<DataKeyService, 'byKeyId'>;
  ledger: Pick<Ledger, 'findAnchor'>;
  hasher: Pick<RecordHasher, 'keyedHash'>;
}

/** The instance to verify: its SOP Instance UID, and the study and series a DICOMweb route names. */
export interface DicomVerifyTarget {
  readonly sopInstanceUid: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  /** A past version; the newest by default. */
  readonly versionId?: number;
}

/** What one streamed pass over the stored object found. */
interface ObjectPass {
  /** Ciphertext bytes the content store released. */
  bytes: number;
  /** The content store's own failure (not found, bytes not matching the CID). */
  storeError?: unknown;
  /** The envelope's failure (a GCM tag, truncation), the store being fine so far. */
  openError?: unknown;
  /** SHA-256 of the plaintext, when it decrypted to its end. */
  contentHash?: Buffer;
  plaintextBytes: number;
}

/**
 * Proves a stored DICOM instance untampered, with the checks and report of FHIR verification
 * ({@link RecordVerifier}) where they apply: `content-hash` (the object decrypts, streamed, to
 * the recorded SHA-256, whose keyed hash is the recorded one and which the index row agrees
 * with), `ciphertext` (the object is in the content store under its CID, of the recorded size),
 * then the shared `merkle-proof` and `anchor`. The object is streamed once (segment by segment,
 * never whole). An erased patient's instance is gone from the index, but its record is found
 * from the SOP Instance UID (deterministic record id) and reports the destroyed data key.
 */
export class DicomInstanceVerifier {
  constructor(
    private readonly sources: DicomVerifierSources,
    private readonly options: { readonly idSecret: string },
  ) {}

  async verify(target: DicomVerifyTarget): Promise<VerifyReport> {
    for (const uid of [target.studyInstanceUid, target.seriesInstanceUid, target.sopInstanceUid]) if (uid !== undefined) checkUid(uid);
    const recordId = deterministicId(this.options.idSecret, [DICOM_INSTANCE_RECORD_TYPE, target.sopInstanceUid]);
    const [record, row] = await Promise.all([
      this.sources.records.findRecord(DICOM_INSTANCE_RECORD_TYPE, recordId, target.versionId),
      this.sources.index.findBySopInstanceUid(target.sopInstanceUid),
    ]);
    // The route's study and series must be the instance's, as for WADO-RS; once erased there is no row to ask.
    const misplaced =
      row !== undefined &&
      ((target.studyInstanceUid !== undefined && row.studyInstanceUid !== target.studyInstanceUid) ||
        (target.seriesInstanceUid !== undefined && row.seriesInstanceUid !== target.seriesInstanceUid));
    if (!record || misplaced) throw new NotFoundError('Protection record of the DICOM instance');
    // The index holds the newest version only: compare it with the record when they are the same version.
    const indexed = row !== undefined && row.recordId === record.id && row.versionId === record.versionId ? row : undefined;
    const [contentHash, ciphertext] = await this.object(record, indexed);
    const checks = [contentHash, ciphertext, merkleProofCheck(record), await anchorCheck(this.sources.ledger, record)];
    return verifyReportOf(DICOM_INSTANCE_RECORD_TYPE, record.id, record, checks);
  }

  /** `content-hash` and `ciphertext`, from one streamed pass (a second, without the key, only when the first could not reach the end). */
  private async object(record: ProtectedRecordView, row: DicomInstanceRow | undefined): Promise<[VerifyCheck, VerifyCheck]> {
    let key: Buffer | undefined;
    let keyError: unknown;
    try {
      key = await this.sources.keys.byKeyId(record.dataKeyId, { fresh: true });
    } catch (error) {
      keyError = error;
    }
    const pass = await this.pass(record, key);
    // A tampered segment stops decryption early: read it all again to tell whether the store still holds what the CID names.
    const fetched = pass.openError === undefined ? pass : await this.pass(record, undefined);
    return [this.contentHashCheck(record, row, pass, keyError), this.ciphertextCheck(record, row, fetched)];
  }

  /** Streams the object by CID, through the envelope and SHA-256 when a key is given, else only counting it. */
  private async pass(record: ProtectedRecordView, key: Buffer | undefined): Promise<ObjectPass> {
    const result: ObjectPass = { bytes: 0, plaintextBytes: 0 };
    const contents = this.sources.contents;
    const stored = async function* (): AsyncIterable<Uint8Array> {
      try {
        for await (const chunk of contents.get(record.cid)) {
          result.bytes += chunk.byteLength;
          yield chunk;
        }
      } catch (error) {
        result.storeError = error;
        throw error;
      }
    };
    try {
      if (key === undefined) {
        for await (const chunk of stored()) void chunk;
        return result;
      }
      const hash = createHash('sha256');
      for await (const chunk of openEnvelopeStream(key, Buffer.from(dicomInstanceAad(record.id, record.versionId), 'utf8'), stored())) {
        hash.update(chunk);
        result.plaintextBytes += chunk.byteLength;
      }
      result.contentHash = hash.digest();
    } catch (error) {
      if (result.storeError === undefined) result.openError = error;
    }
    return result;
  }

  private contentHashCheck(record: ProtectedRecordView, row: DicomInstanceRow | undefined, pass: ObjectPass, keyError: unknown): VerifyCheck {
    const name = 'content-hash';
    if (keyError !== undefined) {
      const code = errorCode(keyError);
      return { name, ok: false, detail: code === 'DATA_KEY_DESTROYED' ? DATA_KEY_DESTROYED_DETAIL : `the data key could not be read (${code})` };
    }
    if (pass.storeError !== undefined && pass.contentHash === undefined) return { name, ok: false, detail: 'not checked: the content store did not release the object whole' };
    if (pass.openError !== undefined || pass.contentHash === undefined) {
      return { name, ok: false, detail: `the object does not decrypt (${errorCode(pass.openError)}): it was altered or belongs to another record` };
    }
    if (pass.contentHash.toString('hex') !== record.contentHash) {
      return { name, ok: false, detail: 'the decrypted object does not hash to the recorded SHA-256' };
    }
    if (dicomKeyedHash(this.sources.hasher, pass.contentHash) !== record.keyedHash) {
      return { name, ok: false, detail: 'the recorded keyed hash does not match the object: the record was altered' };
    }
    if (row && (row.contentHash !== record.contentHash || row.plaintextBytes !== pass.plaintextBytes || row.dataKeyId !== record.dataKeyId)) {
      return { name, ok: false, detail: 'the instance index row does not match the protected record (hash, size or key): the index was altered' };
    }
    return { name, ok: true, detail: `SHA-256 ${record.contentHash} over ${pass.plaintextBytes} bytes, streamed` };
  }

  private ciphertextCheck(record: ProtectedRecordView, row: DicomInstanceRow | undefined, pass: ObjectPass): VerifyCheck {
    const name = 'ciphertext';
    if (pass.storeError !== undefined) {
      const code = errorCode(pass.storeError);
      return {
        name,
        ok: false,
        detail: code === 'STORAGE_INTEGRITY' ? `the bytes stored under CID ${record.cid} do not match it: the object was altered` : `the object could not be fetched by CID ${record.cid} (${code})`,
      };
    }
    if (pass.bytes !== record.sizeBytes) {
      return { name, ok: false, detail: `the object ${record.cid} is ${pass.bytes} bytes, the record says ${record.sizeBytes}` };
    }
    if (row && (row.cid !== record.cid || row.sizeBytes !== record.sizeBytes)) {
      return { name, ok: false, detail: `the instance index points at another object than the record's ${record.cid}: the index was altered` };
    }
    return { name, ok: true, detail: `fetched ${pass.bytes} bytes by CID ${record.cid} (re-hashed to its CID)` };
  }
}

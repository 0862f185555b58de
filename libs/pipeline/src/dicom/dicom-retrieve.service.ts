import { HieError, NotFoundError } from '@hie/common';
import { openEnvelopeStream } from '@hie/crypto';
import type { ContentStore } from '@hie/storage';
import type { DicomInstanceRow, DicomQueryRepository } from '@hie/store';
import { recordAad } from '../protect/protection.worker.js';
import { checkUid } from './dicom-query.params.js';
import { metadataOf, type DicomJsonObject } from './dicom-query.response.js';

/** The UIDs a WADO-RS route names: a study, a series of it, an instance of that. */
export interface WadoTarget {
  readonly study: string;
  readonly series?: string;
  readonly sop?: string;
}

/** What retrieval needs: the instance index, the content store, the data keys, and (for `?deidentify=true`) the profile. */
export interface DicomRetrievePorts {
  readonly index: Pick<DicomQueryRepository, 'instancesUnder'>;
  readonly contents: Pick<ContentStore, 'get'>;
  /** A data key by id (DataKeyService.byKeyId): throws DATA_KEY_DESTROYED once the patient is erased. */
  readonly keys: { byKeyId(id: string): Promise<Buffer> };
  /** PS3.15 Basic Profile over a whole Part 10 file (deidentifyPart10 of @hie/dicom). */
  readonly deidentify: (bytes: Uint8Array, options: { uidSecret: string }) => Buffer;
}

/** Options of {@link DicomRetrieveService}. */
export interface DicomRetrieveOptions {
  /** Secret keying the replacement UIDs of de-identified instances (config.idSecret). */
  readonly uidSecret: string;
  /** The one place an instance is held whole: de-identification. Larger instances are refused. Default 512 MiB. */
  readonly maxDeidentifyBytes?: number;
}

/** Default bound of {@link DicomRetrieveOptions.maxDeidentifyBytes}. */
export const DEFAULT_MAX_DEIDENTIFY_BYTES = 512 * 1024 * 1024;

/**
 * WADO-RS: finds stored instances by their UIDs (each checked against its parents), streams an
 * instance's exact Part 10 bytes (content store → segmented envelope opened segment by segment,
 * each verified before it is released), answers metadata from the index, and de-identifies one
 * instance on request. An erased patient's instances are gone from the index (NotFoundError);
 * a row whose key is destroyed throws DATA_KEY_DESTROYED.
 */
export class DicomRetrieveService {
  private readonly maxDeidentifyBytes: number;

  constructor(
    private readonly ports: DicomRetrievePorts,
    private readonly options: DicomRetrieveOptions,
  ) {
    this.maxDeidentifyBytes = options.maxDeidentifyBytes ?? DEFAULT_MAX_DEIDENTIFY_BYTES;
  }

  /** The instances under `target` (a study, a series, or one instance); NotFoundError when none. */
  async find(target: WadoTarget): Promise<DicomInstanceRow[]> {
    for (const uid of [target.study, target.series, target.sop]) if (uid !== undefined) checkUid(uid);
    const rows = await this.ports.index.instancesUnder(target);
    if (rows.length === 0) throw new NotFoundError(target.sop !== undefined ? 'DICOM instance' : target.series !== undefined ? 'DICOM series' : 'DICOM study');
    return rows;
  }

  /**
   * The Part 10 bytes of a stored instance, streamed. The data key is fetched before this
   * resolves, so an erased patient fails here rather than in the middle of a response. The
   * stream throws EnvelopeError if the stored object was tampered with or cut short.
   */
  async open(row: DicomInstanceRow): Promise<AsyncIterable<Buffer>> {
    const key = await this.ports.keys.byKeyId(row.dataKeyId);
    const aad = recordAad({ type: 'DicomInstance', id: row.recordId, versionId: row.versionId });
    return openEnvelopeStream(key, aad, this.ports.contents.get(row.cid));
  }

  /** WADO-RS metadata: the DICOM JSON of each instance under `target` (no bulk data). */
  async metadata(target: WadoTarget): Promise<DicomJsonObject[]> {
    return (await this.find(target)).map((row) => metadataOf(row));
  }

  /**
   * One instance with the PS3.15 Basic Application Level Confidentiality Profile applied (Retain
   * UIDs off: UIDs replaced consistently under the uid secret). The instance is decrypted whole
   * into memory for this (the profile rewrites the header and must see the whole data set): up to
   * `maxDeidentifyBytes`, else refused with DICOM_TOO_LARGE.
   */
  async deidentified(row: DicomInstanceRow): Promise<Buffer> {
    if (row.plaintextBytes > this.maxDeidentifyBytes) {
      throw new HieError('DICOM_TOO_LARGE', 'The instance is too large to de-identify on request', { maxBytes: this.maxDeidentifyBytes });
    }
    const whole = Buffer.allocUnsafe(row.plaintextBytes);
    let at = 0;
    for await (const chunk of await this.open(row)) {
      if (at + chunk.length > whole.length) throw new HieError('DICOM_STORED_SIZE_MISMATCH', 'The stored instance is larger than its index says');
      at += chunk.copy(whole, at);
    }
    if (at !== whole.length) throw new HieError('DICOM_STORED_SIZE_MISMATCH', 'The stored instance is smaller than its index says');
    return this.ports.deidentify(whole, { uidSecret: this.options.uidSecret });
  }
}

import type { DicomIntakeRefusalCode } from './dicom-failure.mapper.js';

/**
 * What a `dicom` message's `raw` holds: a small JSON descriptor, never pixel bytes. The instance
 * (or the refused bytes) is an encrypted object in the content store; the descriptor says where
 * it is and how to open it (data key id and AAD), so the message store stays small and a refused
 * object can be read back on reprocess. UIDs and sizes only: no patient values.
 */
export type DicomMessageDescriptor = DicomStoredDescriptor | DicomRefusedDescriptor;

/** How the body arrived, so a reprocess reads the kept bytes the same way. */
export interface DicomSourceFacts {
  readonly channel: 'dimse' | 'dicomweb';
  /** `part10`: the kept bytes are a Part 10 file; `dataset`: a bare DIMSE data set in `transferSyntaxUid`. */
  readonly bytes: 'part10' | 'dataset';
  readonly datasetTransferSyntaxUid?: string;
  readonly announced?: { readonly sopClassUid?: string; readonly sopInstanceUid?: string };
  readonly callingAeTitle?: string;
  readonly expectedStudyInstanceUid?: string;
}

/** Where an object is and how it opens. */
export interface DicomObjectRef {
  readonly cid: string;
  readonly dataKeyId: string;
  /** The envelope's AAD (UTF-8). */
  readonly aad: string;
  /** Size of the stored envelope. */
  readonly sizeBytes: number;
  /** Bytes it opens to. */
  readonly plaintextBytes: number;
  /** SHA-256 of those bytes, 64 lowercase hex. */
  readonly contentHash: string;
}

/** A stored instance version. */
export interface DicomStoredDescriptor extends DicomObjectRef {
  readonly kind: 'dicom-instance';
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly transferSyntaxUid: string;
  readonly recordId: string;
  readonly versionId: number;
}

/** A refused object, kept for reprocessing. */
export interface DicomRefusedDescriptor extends DicomObjectRef {
  readonly kind: 'dicom-refused';
  readonly code: DicomIntakeRefusalCode;
  readonly source: DicomSourceFacts;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  /** Set when a reprocess found these bytes already stored, by this message: the refused message then ends `anchored`. */
  readonly duplicateOf?: string;
}

/** The descriptor as stored. */
export function encodeDescriptor(descriptor: DicomMessageDescriptor): Buffer {
  return Buffer.from(JSON.stringify(descriptor), 'utf8');
}

/** A stored descriptor, or undefined when `raw` is not one (erased, or not a DICOM message). */
export function decodeDescriptor(raw: Buffer): DicomMessageDescriptor | undefined {
  if (raw.length === 0 || raw[0] !== 0x7b) return undefined;
  try {
    const value = JSON.parse(raw.toString('utf8')) as Partial<DicomMessageDescriptor> | null;
    if (!value || typeof value.cid !== 'string' || typeof value.dataKeyId !== 'string' || typeof value.aad !== 'string') return undefined;
    return value.kind === 'dicom-instance' || value.kind === 'dicom-refused' ? (value as DicomMessageDescriptor) : undefined;
  } catch {
    return undefined;
  }
}

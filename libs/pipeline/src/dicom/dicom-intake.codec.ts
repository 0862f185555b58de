import { buildFileMetaHeader, DicomStreamScanner, type DicomInstanceHeader } from '@hie/dicom';

/** The incremental reader intake drives (DicomStreamScanner's shape). */
export interface DicomScanner {
  push(chunk: Uint8Array): void;
  readonly header: DicomInstanceHeader | undefined;
  end(): DicomInstanceHeader;
}

/** How a body is read: a Part 10 file, or a bare DIMSE data set in a known transfer syntax. */
export type DicomScanMode = { mode: 'part10' } | { mode: 'dataset'; transferSyntaxUid: string };

/** The parts of libs/dicom intake uses, as a seam: the pipeline specs drive intake with fakes. */
export interface DicomCodec {
  createScanner(mode: DicomScanMode, limits: { maxHeaderBytes: number }): DicomScanner;
  buildFileMetaHeader(input: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; sourceAeTitle?: string }): Buffer;
}

/** libs/dicom's streaming reader and file-meta builder. */
export const DICOM_CODEC: DicomCodec = {
  createScanner: (mode, limits) => new DicomStreamScanner(mode, limits),
  buildFileMetaHeader: (input) => buildFileMetaHeader(input),
};

import type { DicomInstanceHeader } from './dicom-instance-header.model.js';
import { DicomStreamScanner, type DicomScanLimits } from './dicom-stream.scanner.js';

/** Options of readDicomHeader: a transfer syntax makes `bytes` a bare data set (DIMSE), else a Part 10 file. */
export interface ReadDicomHeaderOptions extends DicomScanLimits {
  transferSyntaxUid?: string;
}

/**
 * Whole-buffer convenience over DicomStreamScanner: the header of a complete object.
 * Throws DicomRefusedError as the scanner does (a truncated buffer is refused, not half-read).
 */
export function readDicomHeader(bytes: Uint8Array, options: ReadDicomHeaderOptions = {}): DicomInstanceHeader {
  const { transferSyntaxUid, ...limits } = options;
  const scanner = new DicomStreamScanner(transferSyntaxUid === undefined ? { mode: 'part10' } : { mode: 'dataset', transferSyntaxUid }, limits);
  scanner.push(bytes);
  return scanner.end();
}

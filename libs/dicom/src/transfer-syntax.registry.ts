/** How a transfer syntax encodes a data set: what the structural reader needs to know. */
export interface TransferSyntax {
  uid: string;
  name: string;
  /** Explicit VR (the VR is written in each element header) or implicit (looked up in the dictionary). */
  explicitVr: boolean;
  littleEndian: boolean;
  /** The data set after the file meta group is a raw deflate stream (PS3.5 A.5). */
  deflated: boolean;
  /** Pixel Data is encapsulated: undefined length, one item per fragment, a sequence delimiter. */
  encapsulated: boolean;
}

function syntax(uid: string, name: string, flags: Partial<Omit<TransferSyntax, 'uid' | 'name'>> = {}): [string, TransferSyntax] {
  return [uid, { uid, name, explicitVr: true, littleEndian: true, deflated: false, encapsulated: false, ...flags }];
}

/**
 * The transfer syntaxes the engine accepts (DIMSE presentation contexts, STOW, Part 10 files).
 * Anything else is refused with DICOM_UNKNOWN_TRANSFER_SYNTAX: an unknown syntax could change
 * the byte layout, so reading it "as explicit little endian" would be a guess.
 */
export const TRANSFER_SYNTAXES: ReadonlyMap<string, TransferSyntax> = new Map([
  syntax('1.2.840.10008.1.2', 'Implicit VR Little Endian', { explicitVr: false }),
  syntax('1.2.840.10008.1.2.1', 'Explicit VR Little Endian'),
  syntax('1.2.840.10008.1.2.2', 'Explicit VR Big Endian (retired)', { littleEndian: false }),
  syntax('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', { deflated: true }),
  syntax('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.4.91', 'JPEG 2000', { encapsulated: true }),
  syntax('1.2.840.10008.1.2.5', 'RLE Lossless', { encapsulated: true }),
]);

/** The accepted transfer syntax with this UID (trailing NUL/space padding ignored), or undefined. */
export function transferSyntaxOf(uid: string): TransferSyntax | undefined {
  return TRANSFER_SYNTAXES.get(uid.replace(/[\0 ]+$/, ''));
}

/** UIDs of the three uncompressed native syntaxes, used when a file has no meta group. */
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

import { DicomRefusedError } from './dicom-refused.error.js';
import { HIE_IMPLEMENTATION_CLASS_UID, HIE_IMPLEMENTATION_VERSION_NAME, isValidUid } from './dicom-uid.js';

/** What the file meta group of a received data set says about it. */
export interface FileMetaHeaderInput {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The AE title that sent it (DIMSE calling AE): Source Application Entity Title (0002,0016). */
  sourceAeTitle?: string;
}

function shortElement(element: number, vr: string, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** A text value padded to even length (UI with NUL, others with space: PS3.5 6.2). */
function padded(text: string, pad: '\0' | ' '): Buffer {
  return Buffer.from(text.length % 2 === 0 ? text : text + pad, 'latin1');
}

function uid(value: string, name: string): Buffer {
  if (!isValidUid(value)) throw new DicomRefusedError('DICOM_BAD_ENCODING', `${name} is not a valid UID`);
  return padded(value, '\0');
}

/**
 * Preamble (128 zero bytes) + 'DICM' + file meta group (explicit VR little endian, PS3.10 7.1)
 * for a DIMSE data set, so the stored object is a Part 10 file: append the data set as received.
 */
export function buildFileMetaHeader(input: FileMetaHeaderInput): Buffer {
  const elements: Buffer[] = [
    // (0002,0001) File Meta Information Version: OB, long form, value 00 01.
    Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0x00, 0x01]),
    shortElement(0x0002, 'UI', uid(input.sopClassUid, 'SOP Class UID')),
    shortElement(0x0003, 'UI', uid(input.sopInstanceUid, 'SOP Instance UID')),
    shortElement(0x0010, 'UI', uid(input.transferSyntaxUid, 'Transfer Syntax UID')),
    shortElement(0x0012, 'UI', padded(HIE_IMPLEMENTATION_CLASS_UID, '\0')),
    shortElement(0x0013, 'SH', padded(HIE_IMPLEMENTATION_VERSION_NAME, ' ')),
  ];
  const aeTitle = input.sourceAeTitle?.trim();
  // AE titles are at most 16 characters of the default repertoire without backslash or controls.
  if (aeTitle && aeTitle.length <= 16 && /^[\x20-\x5b\x5d-\x7e]+$/.test(aeTitle)) elements.push(shortElement(0x0016, 'AE', padded(aeTitle, ' ')));
  const group = Buffer.concat(elements);
  const groupLength = shortElement(0x0000, 'UL', Buffer.alloc(4));
  groupLength.writeUInt32LE(group.length, 8);
  const prefix = Buffer.alloc(132);
  prefix.write('DICM', 128, 'latin1');
  return Buffer.concat([prefix, groupLength, group]);
}

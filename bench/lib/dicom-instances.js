// @ts-check
/**
 * Synthetic DICOM instances for the DICOM benchmarks, made from the corpus CT with dcmjs: a
 * ~0.5 MB CT (512 × 512, 16 bit) whose UIDs change per instance, and the header of a large
 * multi-frame instance whose Pixel Data is streamed by the caller (never held whole).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { repoRoot } from './paths.js';

const require = createRequire(import.meta.url);
/** @type {any} */
const dcmjs = require('dcmjs');
const { DicomMessage, DicomMetaDictionary, DicomDict } = dcmjs.data;

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** A fresh UID under 2.25 (a UUID as a decimal integer), as PS3.5 B.2 allows. */
export function newUid() {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString(10)}`;
}

/** The corpus CT, naturalised (dcmjs), without its Pixel Data. */
function corpusCt() {
  const bytes = readFileSync(join(repoRoot, 'fixtures/dicom/pydicom/CT_small.dcm'));
  const dict = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  // Private (odd-group) elements have no keyword to naturalise by: the synthetic CT leaves them out.
  /** @type {Record<string, unknown>} */
  const standard = {};
  for (const [tag, element] of Object.entries(dict.dict)) if (parseInt(tag.slice(0, 4), 16) % 2 === 0) standard[tag] = element;
  /** @type {Record<string, unknown>} */
  const dataset = DicomMetaDictionary.naturalizeDataset(standard);
  delete dataset.PixelData;
  delete dataset._meta;
  return dataset;
}

/** A UID of exactly 43 characters (2.25. + 38 digits), so one can replace another in place. */
function fixedLengthUid() {
  const digits = (BigInt(`0x${randomBytes(16).toString('hex')}`) % 10n ** 37n + 10n ** 37n).toString(10);
  return `2.25.${digits}`;
}

/**
 * A study of `count` CT instances of 512 × 512 × 16 bit (~0.5 MB each), as the bare explicit VR
 * little endian data sets a C-STORE carries: encoded ONCE with dcmjs, then copied per instance
 * with its SOP Instance UID written in place, so the load generator spends its CPU on sending,
 * not on encoding (a real modality sends bytes it already has).
 * @param {number} count
 * @param {{ patientId: string, issuer: string }} patient
 * @returns {{ sopClassUid: string, sopInstanceUid: string, dataset: Buffer }[]}
 */
export function ctStudy(count, patient) {
  const pixels = new Uint16Array(512 * 512);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) & 0x0fff;
  const placeholder = fixedLengthUid();
  const studyUid = newUid();
  const dataset = {
    ...corpusCt(),
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: placeholder,
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: newUid(),
    InstanceNumber: '1',
    PatientID: patient.patientId,
    IssuerOfPatientID: patient.issuer,
    AccessionNumber: `BENCH${studyUid.slice(-8)}`,
    Rows: 512,
    Columns: 512,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelData: pixels.buffer,
  };
  const template = encodeDataset(dataset, placeholder);
  const at = template.indexOf(placeholder, 0, 'latin1');
  if (at < 0) throw new Error('SOP Instance UID not found in the encoded data set');
  return Array.from({ length: count }, () => {
    const sopInstanceUid = fixedLengthUid();
    const bytes = Buffer.from(template);
    bytes.write(sopInstanceUid, at, 'latin1');
    return { sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid, dataset: bytes };
  });
}

/** A Part 10 file (explicit VR little endian) of a naturalised dcmjs data set. */
function encodePart10(/** @type {Record<string, unknown>} */ dataset, /** @type {string} */ sopInstanceUid) {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: '2.25.1',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}

/** The bare data set (no preamble, no file meta) of a naturalised dcmjs data set, explicit VR LE. */
function encodeDataset(/** @type {Record<string, unknown>} */ dataset, /** @type {string} */ sopInstanceUid) {
  const file = encodePart10(dataset, sopInstanceUid);
  // Skip the preamble, 'DICM' and the group 0002 elements (explicit VR LE, short or long form).
  let offset = 132;
  while (file.readUInt16LE(offset) === 0x0002) {
    const vr = file.toString('latin1', offset + 4, offset + 6);
    offset += ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr) ? 12 + file.readUInt32LE(offset + 8) : 8 + file.readUInt16LE(offset + 6);
  }
  return file.subarray(offset);
}

/**
 * The Part 10 bytes of a multi-frame instance up to and including the Pixel Data element's
 * header (explicit VR little endian, defined length): the caller streams `pixelBytes` after it.
 * @param {{ frames: number, rows: number, columns: number }} shape
 */
export function multiFrameHeader(shape) {
  const pixelBytes = shape.frames * shape.rows * shape.columns * 2;
  const base = corpusCt();
  const sopInstanceUid = newUid();
  const dataset = {
    ...base,
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    StudyInstanceUID: newUid(),
    SeriesInstanceUID: newUid(),
    PatientID: 'BENCH-MF-1',
    IssuerOfPatientID: 'BENCH',
    NumberOfFrames: String(shape.frames),
    Rows: shape.rows,
    Columns: shape.columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
  };
  const head = encodePart10(dataset, sopInstanceUid);
  // (7FE0,0010) OW, two reserved bytes, 32-bit length: Pixel Data is the data set's last element.
  const pixelHeader = Buffer.alloc(12);
  pixelHeader.writeUInt16LE(0x7fe0, 0);
  pixelHeader.writeUInt16LE(0x0010, 2);
  pixelHeader.write('OW', 4, 'latin1');
  pixelHeader.writeUInt32LE(pixelBytes, 8);
  return { header: Buffer.concat([head, pixelHeader]), pixelBytes, sopInstanceUid };
}

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { DicomRefusedError, DicomStreamScanner, readDicomHeader, type DicomRefusalCode } from './index.js';

const DIR = fileURLToPath(new URL('../../../fixtures/dicom/pydicom/', import.meta.url));

type Expectation = { ts: string; sopClass: string } | { refused: DicomRefusalCode };

/**
 * Every top-level file of fixtures/dicom/pydicom (pydicom's test files): either it reads, with its
 * transfer syntax and SOP class checked, or it is refused with the code a receiver would answer.
 * Refused files are not valid instances to store; the comment above each says why.
 */
const EXPECTED = new Map<string, Expectation>([
  ['693_J2KI.dcm', { ts: '1.2.840.10008.1.2.4.91', sopClass: '1.2.840.10008.5.1.4.1.1.2' }],
  ['CT_small.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.2' }],
  ['ExplVR_BigEnd.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.6.1' }],
  // No preamble or meta: recognised as explicit VR big endian by its first element (0008,0005).
  ['ExplVR_BigEndNoMeta.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.8' }],
  // No preamble or meta: recognised as explicit VR little endian.
  ['ExplVR_LitEndNoMeta.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.481.8' }],
  ['GDCMJ2K_TextGBR.dcm', { ts: '1.2.840.10008.1.2.4.90', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['J2K_pixelrep_mismatch.dcm', { ts: '1.2.840.10008.1.2.4.90', sopClass: '1.2.840.10008.5.1.4.1.1.2' }],
  ['JPEG-lossy.dcm', { ts: '1.2.840.10008.1.2.4.51', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  // A sequence delimiter inside a fragment's bytes: fragments are skipped by length, so it reads.
  ['JPEG2000-embedded-sequence-delimiter.dcm', { ts: '1.2.840.10008.1.2.4.91', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['JPEG2000.dcm', { ts: '1.2.840.10008.1.2.4.91', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  // JPEG-LS codec test object: no Study/Series Instance UID, so not a storable instance.
  ['JPEGLSNearLossless_08.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // Same: codec test object without Study/Series Instance UID.
  ['JPEGLSNearLossless_16.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  ['JPGExtended.dcm', { ts: '1.2.840.10008.1.2.4.51', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['MR_small.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_RLE.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_bigendian.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_expb.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_implicit.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_jp2klossless.dcm', { ts: '1.2.840.10008.1.2.4.90', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_jpeg_ls_lossless.dcm', { ts: '1.2.840.10008.1.2.4.80', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['MR_small_padded.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  // Deliberately cut: the file ends 62 bytes short inside Pixel Data.
  ['MR_truncated.dcm', { refused: 'DICOM_TRUNCATED' }],
  ['SC_jpeg_no_color_transform.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_jpeg_no_color_transform_2.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cr.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cy+n1.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cy+n2.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cy+np.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cy+s2.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_dcmtk_+eb+cy+s4.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_gdcm_KY.dcm', { ts: '1.2.840.10008.1.2.4.91', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  // JPEG-LS codec test object: no Study/Series Instance UID.
  ['SC_rgb_jls_lossy_line.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // Same as above.
  ['SC_rgb_jls_lossy_sample.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // Meta says JPEG Baseline (explicit VR) but the data set is written in implicit VR: the first
  // element has no VR where one must be. Reading it anyway would be guessing the encoding.
  ['SC_rgb_jpeg.dcm', { refused: 'DICOM_BAD_ENCODING' }],
  ['SC_rgb_jpeg_app14_dcmd.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_jpeg_dcmd.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_jpeg_dcmtk.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_jpeg_gdcm.dcm', { ts: '1.2.840.10008.1.2.4.70', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_jpeg_lossy_gdcm.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle_16bit.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle_16bit_2frame.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle_2frame.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle_32bit.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_rle_32bit_2frame.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_small_odd.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_small_odd_big_endian.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_rgb_small_odd_jpeg.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['SC_ybr_full_422_uncompressed.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  // Holds only one private UN sequence (pydicom issue #1312): no SOP Class/Instance, Study, Series UIDs.
  ['UN_sequence.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // Structurally sound; its Number of Frames is the malformed IS '1A', kept out of the metadata (null).
  ['badVR.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  // Regression data set for an empty Specific Character Set: no identifying UIDs.
  ['empty_charset_LEI.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  ['examples_jpeg2k.dcm', { ts: '1.2.840.10008.1.2.4.90', sopClass: '1.2.840.10008.5.1.4.1.1.6.1' }],
  ['examples_overlay.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.4' }],
  ['examples_palette.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.6.1' }],
  ['examples_rgb_color.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.6.1' }],
  ['examples_ybr_color.dcm', { ts: '1.2.840.10008.1.2.4.50', sopClass: '1.2.840.10008.5.1.4.1.1.3.1' }],
  // Deflated explicit VR little endian: inflated, then read.
  ['image_dfl.dcm', { ts: '1.2.840.10008.1.2.1.99', sopClass: '1.2.840.10008.5.1.4.1.1.7' }],
  ['liver_1frame.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.66.4' }],
  ['liver_expb_1frame.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.66.4' }],
  // The file meta group has no Transfer Syntax UID (0002,0010): the encoding of the data set is unknown.
  ['meta_missing_tsyntax.dcm', { refused: 'DICOM_UNKNOWN_TRANSFER_SYNTAX' }],
  // Minimal nested private sequence example: no identifying UIDs (the structure itself reads).
  ['nested_priv_SQ.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // CT_small.dcm without its meta group, but cut one byte early: it starts with the last (space)
  // byte of the meta group, so the data does not begin with an element: not recognisable.
  ['no_meta.dcm', { refused: 'DICOM_NOT_PART10' }],
  // Meta without (0002,0000) reads fine; the data set has no identifying UIDs.
  ['no_meta_group_length.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  // Minimal undefined-length private sequence example: no identifying UIDs.
  ['priv_SQ.dcm', { refused: 'DICOM_MISSING_ATTRIBUTE' }],
  ['reportsi.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.88.11' }],
  ['reportsi_with_empty_number_tags.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.88.11' }],
  ['rtdose.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  ['rtdose_1frame.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  ['rtdose_expb.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  ['rtdose_expb_1frame.dcm', { ts: '1.2.840.10008.1.2.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  // gdcmconv wrote every element as UN: standard tags are read with their dictionary VR.
  ['rtdose_rle.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  // Same UN-everywhere encoding.
  ['rtdose_rle_1frame.dcm', { ts: '1.2.840.10008.1.2.5', sopClass: '1.2.840.10008.5.1.4.1.1.481.2' }],
  ['rtplan.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.5' }],
  // Deliberately cut: (300A,012C) declares 50 bytes but the file ends after 29.
  ['rtplan_truncated.dcm', { refused: 'DICOM_LENGTH_BEYOND_END' }],
  // No preamble or meta: recognised as implicit VR little endian.
  ['rtstruct.dcm', { ts: '1.2.840.10008.1.2', sopClass: '1.2.840.10008.5.1.4.1.1.481.3' }],
  ['test-SR.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.88.33' }],
  ['waveform_ecg.dcm', { ts: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.9.1.1' }],
]);

function read(name: string): Buffer {
  return readFileSync(`${DIR}${name}`);
}

function outcome(run: () => { transferSyntaxUid: string; sopClassUid: string }): Expectation {
  try {
    const header = run();
    return { ts: header.transferSyntaxUid, sopClass: header.sopClassUid };
  } catch (error) {
    if (error instanceof DicomRefusedError) return { refused: error.code };
    throw error;
  }
}

describe('pydicom corpus', () => {
  it('lists every file of the fixture folder', () => {
    const files = readdirSync(DIR).filter((name) => name.endsWith('.dcm')).sort();
    expect(files).toEqual([...EXPECTED.keys()].sort());
  });

  for (const [name, expected] of EXPECTED) {
    it(`${name}: ${'refused' in expected ? `refused ${expected.refused}` : 'reads'}`, () => {
      const bytes = read(name);
      expect(outcome(() => readDicomHeader(bytes))).toEqual(expected);
      // Streamed in odd-sized chunks the outcome (and the header) is the same.
      expect(
        outcome(() => {
          const scanner = new DicomStreamScanner({ mode: 'part10' });
          for (let i = 0; i < bytes.length; i += 97) scanner.push(bytes.subarray(i, i + 97));
          return scanner.end();
        }),
      ).toEqual(expected);
    });
  }
});

type DcmjsDict = Record<string, { vr: string; Value?: unknown[] }>;
const dicomMessage = (dcmjs as unknown as { data: { DicomMessage: { readFile(buffer: ArrayBuffer, options?: object): { dict: DcmjsDict } } } }).data.DicomMessage;

describe('metadata agrees with dcmjs', () => {
  const KEYS = ['00100010', '00100020', '0020000D', '0020000E', '00080018', '00080060', '00280010', '00280011', '00200013', '00080020'];
  for (const name of ['CT_small.dcm', 'MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'rtplan.dcm', 'image_dfl.dcm', 'examples_ybr_color.dcm', 'test-SR.dcm']) {
    it(name, () => {
      const bytes = read(name);
      const mine = readDicomHeader(bytes).metadata;
      const theirs = dicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer).dict;
      let compared = 0;
      for (const key of KEYS) {
        // dcmjs writes an empty value as [''], DICOM JSON leaves Value out: compare present values only.
        if (!theirs[key]?.Value?.some((value) => value !== '' && value !== null)) continue;
        expect(mine[key]?.Value, key).toEqual(theirs[key]!.Value);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(4);
    });
  }
});

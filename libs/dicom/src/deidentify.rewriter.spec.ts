import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { readDicomHeader } from './dicom-header.reader.js';
import { DicomRefusedError } from './dicom-refused.error.js';
import { readPart10, type DatasetElement } from './deidentify-dataset.reader.js';
import { deidentifyRuleFor, parseDeidentifyProfile } from './deidentify-profile.parser.js';
import { deidentifiedUid } from './deidentify-uid.js';
import { deidentifyPart10, deidentifyPart10WithSummary } from './deidentify.rewriter.js';

const FIXTURES = join(__dirname, '../../../fixtures/dicom/pydicom');
const profile = parseDeidentifyProfile(readFileSync(join(__dirname, '../../../mappings/dicom/deidentify-basic-profile.yaml'), 'utf8'));
const uidSecret = 'test-id-secret';

const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** The untyped corner of dcmjs the specs use to read files back, independently of this lib. */
interface DcmjsReader {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown; meta: unknown } };
    DicomMetaDictionary: { naturalizeDataset(dict: unknown): Record<string, unknown> };
  };
}
const dcm = dcmjs as unknown as DcmjsReader;

function readWithDcmjs(bytes: Buffer): { dataset: Record<string, unknown>; meta: Record<string, unknown> } {
  const file = dcm.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return {
    dataset: dcm.data.DicomMetaDictionary.naturalizeDataset(file.dict),
    meta: dcm.data.DicomMetaDictionary.naturalizeDataset(file.meta),
  };
}

/** Every element at any depth, with the tag path, from this lib's tree reader. */
function walk(elements: readonly DatasetElement[], visit: (el: DatasetElement) => void): void {
  for (const el of elements) {
    visit(el);
    for (const item of el.items ?? []) walk(item.elements, visit);
  }
}

function text(value: Uint8Array | undefined): string {
  return value ? Buffer.from(value).toString('latin1').replace(/[\0 ]+$/, '') : '';
}

/** Text of a DICOM JSON value list (person names by their alphabetic form). */
function jsonTexts(values: readonly unknown[] | undefined): string[] {
  return (values ?? []).map((v) =>
    typeof v === 'string' ? v : typeof v === 'object' && v !== null && 'Alphabetic' in v ? String(v.Alphabetic) : '',
  );
}

/**
 * Original values that must not survive: identifying attributes and every U-action UID. A value
 * that also occurs inside an attribute the profile keeps (InstitutionName "TOSHIBA" inside
 * Manufacturer "TOSHIBA_MEC", DCMTK's creator UID inside the meta's Implementation Class UID)
 * cannot be told apart by a byte search, so it is left out of that search.
 */
function phiOf(bytes: Buffer): string[] {
  const parsed = readPart10(bytes);
  const metadata = readDicomHeader(bytes).metadata;
  const keywords: Record<string, string> = {
    '00100010': 'PatientName', '00100020': 'PatientID', '00100030': 'PatientBirthDate', '00080080': 'InstitutionName',
    '00080081': 'InstitutionAddress', '00080050': 'AccessionNumber', '00080090': 'ReferringPhysicianName',
    '00081070': 'OperatorsName', '00081050': 'PerformingPhysicianName', '00081010': 'StationName',
    '00181000': 'DeviceSerialNumber', '00081030': 'StudyDescription',
  };
  const candidates: string[] = [];
  for (const key of Object.keys(keywords)) candidates.push(...jsonTexts(metadata[key]?.Value));
  walk(parsed.dataset, (el) => {
    if (deidentifyRuleFor(profile, el.tag)?.onValue === 'uid' && el.value) candidates.push(...text(el.value).split('\\'));
  });
  const kept = [
    ...parsed.meta.filter((el) => el.tag !== 0x00020003).map((el) => text(el.value)),
    ...Object.entries(metadata)
      .filter(([key]) => !deidentifyRuleFor(profile, parseInt(key, 16)) && !(parseInt(key.slice(0, 4), 16) & 1))
      .flatMap(([, el]) => jsonTexts(el.Value)),
  ];
  // Short or placeholder values ("1", "----", "Anonymous") say nothing and occur by chance.
  return candidates
    .map((v) => v.trim())
    .filter((v) => v.length >= 5 && !/^(anonymi[sz]ed|anonymous|-+|0+)$/i.test(v))
    .filter((v) => !kept.some((k) => k.includes(v)));
}

function pixelData(bytes: Buffer): Uint8Array | undefined {
  const el = readPart10(bytes).dataset.find((e) => e.tag === 0x7fe00010);
  return el?.encapsulated ?? el?.value;
}

const FILES = [
  'CT_small.dcm', // explicit LE, 179 private elements
  'MR_small.dcm',
  'MR_small_implicit.dcm',
  'MR_small_bigendian.dcm', // explicit BE: stays BE
  'JPEG2000.dcm', // encapsulated fragments
  'image_dfl.dcm', // deflated: re-deflated
  'examples_overlay.dcm', // overlays, real-looking identifiers, address
  'waveform_ecg.dcm',
  'rtplan.dcm',
  'rtstruct.dcm',
  'test-SR.dcm', // deep SR content tree
  'liver_1frame.dcm', // SEG: references to source images inside functional groups
  'dicomdirtests/98892001/CT2N/6293',
];

describe('deidentifyPart10 (PS3.15 Basic Profile, Retain UIDs off) over the pydicom corpus', () => {
  it.each(FILES)('%s: no identifying value or original UID survives, pixels are byte-identical, dcmjs and readDicomHeader read it', (name) => {
    const input = fixture(name);
    const original = readPart10(input);
    const phi = phiOf(input);
    expect(phi.length).toBeGreaterThan(2);
    const { bytes: out, summary } = deidentifyPart10WithSummary(input, { uidSecret, profile });

    const haystack = out.toString('latin1');
    for (const value of phi) expect(haystack.includes(value), `an original value of ${name} survived`).toBe(false);

    const result = readPart10(out);
    expect(result.transferSyntaxUid).toBe(original.transferSyntaxUid);
    expect(Buffer.from(pixelData(out) ?? []).equals(Buffer.from(pixelData(input) ?? []))).toBe(true);
    expect(summary.uidsReplaced).toBeGreaterThanOrEqual(3);

    const header = readDicomHeader(out);
    const before = readDicomHeader(input);
    expect(header.studyInstanceUid).toBe(deidentifiedUid(uidSecret, before.studyInstanceUid));
    expect(header.seriesInstanceUid).toBe(deidentifiedUid(uidSecret, before.seriesInstanceUid));
    expect(header.sopInstanceUid).toBe(deidentifiedUid(uidSecret, before.sopInstanceUid));
    expect(header.sopClassUid).toBe(before.sopClassUid);
    expect(header.metadata['00120062']?.Value).toEqual(['YES']);
    expect(header.metadata['00100010']?.Value ?? []).toEqual([]);

    const { dataset, meta } = readWithDcmjs(out);
    const originalMetaUid = text(original.meta.find((el) => el.tag === 0x00020003)?.value) || before.sopInstanceUid;
    expect(meta['MediaStorageSOPInstanceUID']).toBe(deidentifiedUid(uidSecret, originalMetaUid));
    expect(dataset['PatientIdentityRemoved']).toBe('YES');
    expect(dataset['DeidentificationMethodCodeSequence']).toMatchObject([{ CodeValue: '113100', CodingSchemeDesignator: 'DCM' }]);
    expect(Object.keys(dataset).filter((k) => /^[0-9A-F]{3}[13579BDF][0-9A-F]{4}$/i.test(k))).toEqual([]);
  });

  it('removes every private element, at any depth (CT_small has 179)', () => {
    const input = fixture('CT_small.dcm');
    const { bytes, summary } = deidentifyPart10WithSummary(input, { uidSecret, profile });
    expect(summary.privateRemoved).toBe(179);
    walk(readPart10(bytes).dataset, (el) => expect((el.tag >>> 16) & 1).toBe(0));
  });

  it('gives all instances of a study the same new Study UID, per series the same Series UID, per instance distinct SOP UIDs', () => {
    const files = ['dicomdirtests/98892001/CT2N/6293', 'dicomdirtests/98892001/CT2N/6924', 'dicomdirtests/98892001/CT5N/2062'];
    const before = files.map((f) => readDicomHeader(fixture(f)));
    const after = files.map((f) => readDicomHeader(deidentifyPart10(fixture(f), { uidSecret, profile })));
    expect(new Set(before.map((h) => h.studyInstanceUid)).size).toBe(1);
    expect(new Set(after.map((h) => h.studyInstanceUid)).size).toBe(1);
    expect(after[0]!.studyInstanceUid).not.toBe(before[0]!.studyInstanceUid);
    expect(after[0]!.seriesInstanceUid).toBe(after[1]!.seriesInstanceUid);
    expect(after[2]!.seriesInstanceUid).not.toBe(after[0]!.seriesInstanceUid);
    expect(new Set(after.map((h) => h.sopInstanceUid)).size).toBe(3);
    // The frame of reference is shared too: still shared after.
    expect(after[0]!.metadata['00200052']?.Value).toEqual(after[2]!.metadata['00200052']?.Value);
    // Another secret, other UIDs.
    const other = readDicomHeader(deidentifyPart10(fixture(files[0]!), { uidSecret: 'another', profile }));
    expect(other.studyInstanceUid).not.toBe(after[0]!.studyInstanceUid);
  });

  it('maps the same object to the same UIDs whatever its encoding (explicit LE, implicit LE, big endian)', () => {
    const uids = ['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm'].map((f) => {
      const h = readDicomHeader(deidentifyPart10(fixture(f), { uidSecret, profile }));
      return [h.studyInstanceUid, h.seriesInstanceUid, h.sopInstanceUid].join('|');
    });
    expect(new Set(uids).size).toBe(1);
    expect(readPart10(deidentifyPart10(fixture('MR_small_bigendian.dcm'), { uidSecret, profile })).encoding).toEqual({ explicitVr: true, littleEndian: false });
  });

  it('replaces nested references consistently: a SEG still points at the new UIDs of its source images', () => {
    const input = readPart10(fixture('liver_1frame.dcm'));
    const output = readPart10(deidentifyPart10(fixture('liver_1frame.dcm'), { uidSecret, profile }));
    const refs = (tree: readonly DatasetElement[]): string[] => {
      const found: string[] = [];
      walk(tree, (el) => {
        if (el.tag === 0x00081155 || el.tag === 0x0020000e) found.push(text(el.value));
      });
      return found;
    };
    const before = refs(input.dataset);
    expect(before.length).toBeGreaterThan(1);
    expect(refs(output.dataset)).toEqual(before.map((u) => deidentifiedUid(uidSecret, u)));
  });

  it('applies the table actions: Z empties, D puts a dummy, X removes; adds the method and longitudinal flag', () => {
    const out = deidentifyPart10(fixture('examples_overlay.dcm'), { uidSecret, profile });
    const { dataset } = readWithDcmjs(out);
    expect(dataset['PatientID']).toBe(''); // Z
    expect(dataset['StudyDate']).toBe(''); // Z
    expect(dataset['InstitutionName']).toBe('ANONYMOUS'); // X/Z/D -> D
    expect(dataset['InstitutionAddress']).toBeUndefined(); // X
    expect(dataset['StudyDescription']).toBeUndefined(); // X
    expect(dataset['DeidentificationMethod']).toBe('DICOM PS3.15 Basic Profile, Retain UIDs off');
    expect(dataset['LongitudinalTemporalInformationModified']).toBe('REMOVED');
    // Overlay Data (60xx,3000) is X in the Basic Profile; its geometry is kept.
    expect(Object.keys(readPart10(out).dataset).length).toBeGreaterThan(0);
    const tags = readPart10(out).dataset.map((e) => e.tag);
    expect(tags.some((t) => t >>> 16 === 0x6000 && (t & 0xffff) === 0x3000)).toBe(false);
    expect(tags.some((t) => t >>> 16 === 0x6000 && (t & 0xffff) === 0x0010)).toBe(true);
  });

  it('keeps a deflated object deflated, and the result inflates and parses', () => {
    const out = deidentifyPart10(fixture('image_dfl.dcm'), { uidSecret, profile });
    const parsed = readPart10(out);
    expect(parsed.deflated).toBe(true);
    expect(readWithDcmjs(out).dataset['PatientIdentityRemoved']).toBe('YES');
  });

  it('gives a bare data set (no preamble, no meta) a file meta group', () => {
    for (const name of ['ExplVR_LitEndNoMeta.dcm', 'ExplVR_BigEndNoMeta.dcm']) {
      const out = deidentifyPart10(fixture(name), { uidSecret, profile });
      expect(out.toString('latin1', 128, 132)).toBe('DICM');
      const header = readDicomHeader(out);
      expect(header.sopInstanceUid.startsWith('2.25.')).toBe(true);
      expect(readWithDcmjs(out).meta['MediaStorageSOPInstanceUID']).toBe(header.sopInstanceUid);
    }
  });

  it('is deterministic: the same input and secret give the same bytes', () => {
    const a = deidentifyPart10(fixture('CT_small.dcm'), { uidSecret, profile });
    const b = deidentifyPart10(fixture('CT_small.dcm'), { uidSecret, profile });
    expect(a.equals(b)).toBe(true);
  });

  it('refuses what it cannot read, with the reader codes and no values in the message', () => {
    const truncated = fixture('MR_truncated.dcm');
    expect(() => deidentifyPart10(truncated, { uidSecret, profile })).toThrow(DicomRefusedError);
    expect(() => deidentifyPart10(Buffer.from('not dicom at all'), { uidSecret, profile })).toThrow(
      expect.objectContaining({ code: 'DICOM_NOT_PART10' }),
    );
    const ct = fixture('CT_small.dcm');
    try {
      deidentifyPart10(ct.subarray(0, ct.length - 100), { uidSecret, profile });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DicomRefusedError);
      expect((e as Error).message).not.toContain('CompressedSamples');
    }
  });
});

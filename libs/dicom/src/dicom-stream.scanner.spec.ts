import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CT_IMAGE_STORAGE,
  SERIES,
  SOP_INSTANCE,
  STUDY,
  chunksOf,
  elementHeader,
  encapsulatedPixelData,
  encodeDataset,
  itemHeader,
  minimalElements,
  part10,
  type TestElement,
} from './dicom-test-dataset.spec-helpers.js';
import {
  DicomRefusedError,
  DicomStreamScanner,
  buildFileMetaHeader,
  readDicomHeader,
  transferSyntaxOf,
  TRANSFER_SYNTAXES,
  HIE_IMPLEMENTATION_CLASS_UID,
  type DicomInstanceHeader,
  type DicomScanMode,
} from './index.js';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const LE = { explicit: true, little: true };

function scan(chunks: Uint8Array[], mode: DicomScanMode = { mode: 'part10' }, limits = {}): DicomInstanceHeader {
  const scanner = new DicomStreamScanner(mode, limits);
  for (const chunk of chunks) scanner.push(chunk);
  return scanner.end();
}

function refusal(run: () => unknown): DicomRefusedError {
  try {
    run();
  } catch (error) {
    if (error instanceof DicomRefusedError) return error;
    throw error;
  }
  throw new Error('expected a DicomRefusedError');
}

function nativePixelData(enc: { explicit: boolean; little: boolean }, size = 64): Uint8Array {
  return Buffer.concat([elementHeader(0x7fe00010, 'OW', size, enc), Buffer.alloc(size, 7)]);
}

describe('transfer syntax registry', () => {
  it('knows every family of the contract and refuses others', () => {
    expect(transferSyntaxOf(IMPLICIT_LE)).toMatchObject({ explicitVr: false, littleEndian: true, encapsulated: false });
    expect(transferSyntaxOf(EXPLICIT_BE)).toMatchObject({ explicitVr: true, littleEndian: false });
    expect(transferSyntaxOf(DEFLATED)).toMatchObject({ deflated: true });
    for (const uid of ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70',
      '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.5']) {
      expect(transferSyntaxOf(uid)).toMatchObject({ encapsulated: true, explicitVr: true, littleEndian: true });
    }
    expect(transferSyntaxOf(`${EXPLICIT_LE}\0`)?.uid).toBe(EXPLICIT_LE);
    expect(transferSyntaxOf('1.2.840.10008.1.2.4.100')).toBeUndefined();
    expect(TRANSFER_SYNTAXES.size).toBe(13);
  });
});

describe('DicomStreamScanner: transfer syntax families', () => {
  const cases = [
    { uid: IMPLICIT_LE, enc: { explicit: false, little: true } },
    { uid: EXPLICIT_LE, enc: LE },
    { uid: EXPLICIT_BE, enc: { explicit: true, little: false } },
  ];
  for (const { uid, enc } of cases) {
    it(`reads a Part 10 file in ${transferSyntaxOf(uid)!.name}`, () => {
      const dataset = Buffer.concat([encodeDataset(minimalElements([], enc.little), enc), nativePixelData(enc)]);
      const header = readDicomHeader(part10(uid, dataset));
      expect(header).toMatchObject({ transferSyntaxUid: uid, sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, studyInstanceUid: STUDY, seriesInstanceUid: SERIES });
      expect(header.metadata['00280010']).toEqual({ vr: 'US', Value: [512] });
      expect(header.metadata['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] });
      expect(header.metadata['7FE00010']).toEqual({ vr: 'OW' });
    });

    it(`reads a bare DIMSE data set in ${transferSyntaxOf(uid)!.name}`, () => {
      const dataset = Buffer.concat([encodeDataset(minimalElements([], enc.little), enc), nativePixelData(enc)]);
      const header = scan(chunksOf(dataset, 5), { mode: 'dataset', transferSyntaxUid: uid });
      expect(header.transferSyntaxUid).toBe(uid);
      expect(header.metadata['00200013']).toEqual({ vr: 'IS', Value: [7] });
    });
  }

  it('reads a deflated data set, as a file and as a bare data set', () => {
    const dataset = Buffer.concat([encodeDataset(minimalElements(), LE), nativePixelData(LE, 4096)]);
    expect(readDicomHeader(part10(DEFLATED, dataset, true)).metadata['00100020']).toEqual({ vr: 'LO', Value: ['PID-1'] });
    const bare = scan(chunksOf(deflateRawSync(dataset), 3), { mode: 'dataset', transferSyntaxUid: DEFLATED });
    expect(bare.sopInstanceUid).toBe(SOP_INSTANCE);
    // Corrupt deflate data is refused, not thrown as a zlib error.
    expect(refusal(() => readDicomHeader(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), { transferSyntaxUid: DEFLATED })).code).toMatch(/DICOM_(BAD_ENCODING|TRUNCATED)/);
  });

  it('tracks encapsulated pixel data without keeping it and tolerates trailing padding', () => {
    const fragments = [Buffer.alloc(3000, 1), Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])];
    const padding = Buffer.concat([elementHeader(0xfffcfffc, 'OB', 4, LE), Buffer.alloc(4)]);
    const file = part10(JPEG_BASELINE, Buffer.concat([encodeDataset(minimalElements(), LE), encapsulatedPixelData(fragments), padding]));
    const scanner = new DicomStreamScanner({ mode: 'part10' });
    const cut = file.length - fragments[1]!.length - 8 - 8 - padding.length;
    scanner.push(file.subarray(0, cut));
    expect(scanner.header?.transferSyntaxUid).toBe(JPEG_BASELINE);
    scanner.push(file.subarray(cut));
    expect(scanner.end().metadata['7FE00010']).toEqual({ vr: 'OB' });
    // Without the sequence delimiter the object is truncated.
    expect(refusal(() => readDicomHeader(file.subarray(0, file.length - padding.length - 8))).code).toBe('DICOM_TRUNCATED');
  });
});

describe('DicomStreamScanner: DICOM JSON', () => {
  it('decodes strings, numbers, person names, AT, sequences, inline and bulk binary', () => {
    const elements: TestElement[] = [
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\\\AXIAL' },
      { tag: 0x00081140, vr: 'SQ', value: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }], [{ tag: 0x00081155, vr: 'UI', value: '1.2.4' }]] },
      { tag: 0x00082112, vr: 'SQ', undefinedLength: true, value: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.5' }]] },
      { tag: 0x00181030, vr: 'LO', value: '  padded protocol  ' },
      { tag: 0x00200032, vr: 'DS', value: '-12.5\\1e2\\3' },
      { tag: 0x00280009, vr: 'AT', value: Buffer.from([0x54, 0x00, 0x10, 0x00]) },
      { tag: 0x00281050, vr: 'DS', value: '' },
      { tag: 0x00290010, vr: 'LO', value: 'PRIVATE CREATOR' },
      { tag: 0x00291010, vr: 'OB', value: Buffer.from([1, 2, 3, 4]) },
      { tag: 0x00291020, vr: 'OB', value: Buffer.alloc(2000, 9) },
      { tag: 0x00400002, vr: 'FD', value: Buffer.from(new Float64Array([1.5]).buffer) },
    ];
    const utf8 = minimalElements([...elements, { tag: 0x00100010, vr: 'PN', value: Buffer.from('Yamada^Tarou=山田^太郎', 'utf8') }])
      .filter((e) => !(e.tag === 0x00100010 && e.value === 'Doe^Jane'))
      .map((e) => (e.tag === 0x00080005 ? { ...e, value: 'ISO_IR 192' } : e));
    const metadata = readDicomHeader(part10(EXPLICIT_LE, encodeDataset(utf8, LE))).metadata;
    expect(metadata['00080008']).toEqual({ vr: 'CS', Value: ['ORIGINAL', 'PRIMARY', null, 'AXIAL'] });
    expect(metadata['00081140']).toEqual({ vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: ['1.2.3'] } }, { '00081155': { vr: 'UI', Value: ['1.2.4'] } }] });
    expect(metadata['00082112']).toEqual({ vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: ['1.2.5'] } }] });
    expect(metadata['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }] });
    expect(metadata['00181030']).toEqual({ vr: 'LO', Value: ['padded protocol'] });
    expect(metadata['00200032']).toEqual({ vr: 'DS', Value: [-12.5, 100, 3] });
    expect(metadata['00280009']).toEqual({ vr: 'AT', Value: ['00540010'] });
    expect(metadata['00281050']).toEqual({ vr: 'DS' });
    expect(metadata['00291010']).toEqual({ vr: 'OB', InlineBinary: 'AQIDBA==' });
    expect(metadata['00291020']).toEqual({ vr: 'OB' });
    expect(metadata['00400002']).toEqual({ vr: 'FD', Value: [1.5] });
    expect(Object.keys(metadata).some((key) => key.startsWith('0002'))).toBe(false);
  });

  it('decodes Latin-1 text by default and swaps big-endian InlineBinary words', () => {
    const be = { explicit: true, little: false };
    const elements = minimalElements([{ tag: 0x00181030, vr: 'LO', value: Buffer.from('Müller', 'latin1') }, { tag: 0x00291010, vr: 'OW', value: Buffer.from([0x01, 0x02]) }], false);
    const metadata = readDicomHeader(part10(EXPLICIT_BE, encodeDataset(elements, be))).metadata;
    expect(metadata['00181030']!.Value).toEqual(['Müller']);
    expect(metadata['00291010']!.InlineBinary).toBe(Buffer.from([0x02, 0x01]).toString('base64'));
  });

  it('reads an undefined-length UN element as an implicit VR sequence', () => {
    const inner = encodeDataset([{ tag: 0x00081150, vr: 'UI', value: '1.2.9' }], { explicit: false, little: true });
    const un = Buffer.concat([elementHeader(0x00091010, 'UN', 0xffffffff, LE), itemHeader(0xfffee000, inner.length, true), inner, itemHeader(0xfffee0dd, 0, true)]);
    const dataset = Buffer.concat([encodeDataset(minimalElements(), LE).subarray(0), un]);
    // Elements must stay in tag order for a real file, but the reader does not depend on it.
    const metadata = readDicomHeader(part10(EXPLICIT_LE, dataset)).metadata;
    expect(metadata['00091010']).toEqual({ vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: ['1.2.9'] } }] });
  });
});

describe('DicomStreamScanner: hostile and broken input', () => {
  const good = part10(EXPLICIT_LE, Buffer.concat([
    encodeDataset(minimalElements([{ tag: 0x00081140, vr: 'SQ', undefinedLength: true, value: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }]] }]), LE),
    nativePixelData(LE, 32),
  ]));

  it('refuses or reads every truncation of a small file, never anything else', () => {
    let refused = 0;
    for (let length = 0; length < good.length; length++) {
      for (const chunkSize of [length || 1, 1]) {
        if (chunkSize === 1 && length % 17 !== 0) continue; // 1-byte chunks on a sample of the lengths
        try {
          scan(chunksOf(good.subarray(0, length), chunkSize));
        } catch (error) {
          expect(error).toBeInstanceOf(DicomRefusedError);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(good.length * 0.9);
    expect(refusal(() => readDicomHeader(good.subarray(0, good.length - 1))).code).toBe('DICOM_TRUNCATED');
    expect(refusal(() => readDicomHeader(good.subarray(0, 100))).code).toBe('DICOM_TRUNCATED');
  });

  it('refuses lengths beyond the end without allocating them', () => {
    const dataset = Buffer.concat([encodeDataset(minimalElements(), LE), elementHeader(0x00291010, 'OB', 0xfffffff0, LE), Buffer.alloc(10)]);
    const before = process.memoryUsage().arrayBuffers;
    const error = refusal(() => readDicomHeader(part10(EXPLICIT_LE, dataset)));
    expect(error.code).toBe('DICOM_LENGTH_BEYOND_END');
    expect(error.message).toContain('(0029,1010)');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    // A collected (non-bulk) value declared huge: buffered only as far as the bytes go.
    const text = Buffer.concat([encodeDataset(minimalElements(), LE), elementHeader(0x00321060, 'UT', 0x7ffffff0, LE), Buffer.alloc(100, 0x41)]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, text))).code).toBe('DICOM_LENGTH_BEYOND_END');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an item whose content runs past its declared end', () => {
    const inner = encodeDataset([{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }], LE);
    const sq = Buffer.concat([elementHeader(0x00081140, 'SQ', 8 + inner.length, LE), itemHeader(0xfffee000, inner.length - 2, true), inner]);
    const error = refusal(() => readDicomHeader(part10(EXPLICIT_LE, Buffer.concat([encodeDataset(minimalElements(), LE), sq]))));
    expect(error.code).toMatch(/DICOM_(LENGTH_BEYOND_END|BAD_ENCODING)/);
  });

  it('refuses undefined length where it is not allowed, impossible VRs and odd word lengths', () => {
    const base = encodeDataset(minimalElements(), LE);
    const undefinedUs = Buffer.concat([base, elementHeader(0x00280011, 'UL', 0xffff, LE).subarray(0, 4), Buffer.from('OW'), Buffer.alloc(2), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, undefinedUs))).code).toBe('DICOM_BAD_ENCODING');
    const badVr = Buffer.concat([base, Buffer.from([0x28, 0x00, 0x11, 0x00, 0x7a, 0x7a, 2, 0, 1, 0])]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, badVr))).message).toContain('(0028,0011)');
    const oddUs = Buffer.concat([base, elementHeader(0x00280011, 'US', 3, LE), Buffer.alloc(3)]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, oddUs))).code).toBe('DICOM_BAD_ENCODING');
    const strayDelimiter = Buffer.concat([base, itemHeader(0xfffee00d, 0, true)]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, strayDelimiter))).code).toBe('DICOM_BAD_ENCODING');
  });

  it('bounds nesting depth', () => {
    const nest = (depth: number): TestElement[] =>
      depth === 0 ? [{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }] : [{ tag: 0x0040a730, vr: 'SQ', undefinedLength: depth % 2 === 0, value: [nest(depth - 1)] }];
    const file = (depth: number) => part10(EXPLICIT_LE, encodeDataset(minimalElements(nest(depth)), LE));
    expect(readDicomHeader(file(30)).sopInstanceUid).toBe(SOP_INSTANCE);
    const error = refusal(() => readDicomHeader(file(33)));
    expect(error.code).toBe('DICOM_BAD_ENCODING');
    expect(error.message).toContain('nested deeper than 32');
    // Far deeper than any stack: refused at the bound, no recursion in the reader.
    const open = Buffer.concat([elementHeader(0x0040a730, 'SQ', 0xffffffff, LE), itemHeader(0xfffee000, 0xffffffff, true)]);
    const deep = Buffer.concat([encodeDataset(minimalElements(), LE), ...Array.from({ length: 100_000 }, () => open)]);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, deep))).code).toBe('DICOM_BAD_ENCODING');
  });

  it('refuses garbage, unknown syntaxes, missing identifiers and oversized headers', () => {
    expect(refusal(() => readDicomHeader(Buffer.alloc(0))).code).toBe('DICOM_NOT_PART10');
    expect(refusal(() => readDicomHeader(Buffer.from('MSH|^~\\&|SENDER|'.repeat(20)))).code).toBe('DICOM_NOT_PART10');
    const dataset = encodeDataset(minimalElements(), LE);
    expect(refusal(() => readDicomHeader(part10('1.2.840.10008.1.2.4.100', dataset))).code).toBe('DICOM_UNKNOWN_TRANSFER_SYNTAX');
    const scanner = new DicomStreamScanner({ mode: 'dataset', transferSyntaxUid: '1.2.3.4' });
    expect(refusal(() => scanner.push(dataset)).code).toBe('DICOM_UNKNOWN_TRANSFER_SYNTAX');
    expect(refusal(() => scanner.end()).code).toBe('DICOM_UNKNOWN_TRANSFER_SYNTAX');
    const noSop = encodeDataset(minimalElements().filter((e) => e.tag !== 0x00080018), LE);
    const missing = refusal(() => readDicomHeader(part10(EXPLICIT_LE, Buffer.concat([noSop, nativePixelData(LE)]))));
    expect(missing.code).toBe('DICOM_MISSING_ATTRIBUTE');
    expect(missing.message).toContain('SOPInstanceUID');
    const longUid = encodeDataset(minimalElements().map((e) => (e.tag === 0x0020000d ? { ...e, value: `1.${'2'.repeat(70)}` } : e)), LE);
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, longUid))).code).toBe('DICOM_BAD_ENCODING');
    expect(refusal(() => readDicomHeader(part10(EXPLICIT_LE, dataset), { maxHeaderBytes: 300 })).code).toBe('DICOM_HEADER_TOO_LARGE');
  });

  it('never throws anything but a refusal on random bytes after a valid meta group (property)', () => {
    const meta = buildFileMetaHeader({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, transferSyntaxUid: EXPLICIT_LE });
    const prefix = encodeDataset(minimalElements(), LE);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), fc.integer({ min: 1, max: 50 }), (tail, implicit, chunk) => {
        const syntax = implicit ? IMPLICIT_LE : EXPLICIT_LE;
        const body = implicit ? tail : Buffer.concat([prefix, tail]);
        try {
          scan(chunksOf(Buffer.concat([meta, body]), chunk), { mode: 'part10' });
        } catch (error) {
          if (!(error instanceof DicomRefusedError)) throw error;
        }
        try {
          scan(chunksOf(body, chunk), { mode: 'dataset', transferSyntaxUid: syntax });
        } catch (error) {
          if (!(error instanceof DicomRefusedError)) throw error;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('DicomStreamScanner: streaming', () => {
  it('gives the same header whatever the chunk boundaries (1-byte chunks included)', () => {
    const dataset = Buffer.concat([
      encodeDataset(minimalElements([{ tag: 0x00081140, vr: 'SQ', value: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }]] }, { tag: 0x00291020, vr: 'OB', value: Buffer.alloc(1500) }]), LE),
      encapsulatedPixelData([Buffer.alloc(5000, 3), Buffer.alloc(17, 4)]),
    ]);
    const file = part10(JPEG_BASELINE, dataset);
    const whole = readDicomHeader(file);
    for (const size of [1, 2, 3, 7, 8, 12, 131, 132, 133, 1000]) expect(scan(chunksOf(file, size))).toEqual(whole);
  });

  it('has the header as soon as Pixel Data starts, and keeps O(1) state for the pixels', () => {
    const header = encodeDataset(minimalElements(), LE);
    const pixels = 64 * 1024 * 1024;
    const scanner = new DicomStreamScanner({ mode: 'dataset', transferSyntaxUid: EXPLICIT_LE });
    scanner.push(Buffer.concat([header, elementHeader(0x7fe00010, 'OW', pixels, LE)]));
    expect(scanner.header?.studyInstanceUid).toBe(STUDY);
    const chunk = Buffer.alloc(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    for (let sent = 0; sent < pixels; sent += chunk.length) scanner.push(chunk);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
    expect(scanner.end().sopInstanceUid).toBe(SOP_INSTANCE);
  });
});

describe('buildFileMetaHeader', () => {
  it('round-trips: the scanner reads meta + data set back', () => {
    const dataset = Buffer.concat([encodeDataset(minimalElements(), LE), nativePixelData(LE)]);
    const meta = buildFileMetaHeader({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, transferSyntaxUid: EXPLICIT_LE, sourceAeTitle: 'MODALITY1' });
    expect(meta.subarray(128, 132).toString('latin1')).toBe('DICM');
    expect(meta.length % 2).toBe(0);
    const groupLength = meta.readUInt32LE(140);
    expect(meta.length).toBe(144 + groupLength);
    const text = meta.toString('latin1');
    expect(text).toContain(HIE_IMPLEMENTATION_CLASS_UID);
    expect(text).toContain('HIE_ENGINE');
    expect(text).toContain('MODALITY1 ');
    const header = scan(chunksOf(Buffer.concat([meta, dataset]), 9));
    expect(header).toMatchObject({ transferSyntaxUid: EXPLICIT_LE, sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE });
    for (const uid of [IMPLICIT_LE, EXPLICIT_BE]) {
      const enc = { explicit: uid !== IMPLICIT_LE, little: uid !== EXPLICIT_BE };
      const bare = encodeDataset(minimalElements([], enc.little), enc);
      expect(readDicomHeader(Buffer.concat([buildFileMetaHeader({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, transferSyntaxUid: uid }), bare])).transferSyntaxUid).toBe(uid);
    }
  });

  it('refuses invalid UIDs', () => {
    expect(refusal(() => buildFileMetaHeader({ sopClassUid: 'abc', sopInstanceUid: SOP_INSTANCE, transferSyntaxUid: EXPLICIT_LE })).code).toBe('DICOM_BAD_ENCODING');
  });

  it('is read back by dcmjs', async () => {
    const dcmjs = (await import('dcmjs')).default as unknown as { data: { DicomMessage: { readFile(b: ArrayBuffer): { meta: Record<string, { Value?: unknown[] }> } } } };
    const file = Buffer.concat([buildFileMetaHeader({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, transferSyntaxUid: EXPLICIT_LE }), encodeDataset(minimalElements(), LE)]);
    const read = dcmjs.data.DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.length));
    expect(read.meta['00020010']?.Value).toEqual([EXPLICIT_LE]);
    expect(read.meta['00020012']?.Value).toEqual([HIE_IMPLEMENTATION_CLASS_UID]);
  });
});

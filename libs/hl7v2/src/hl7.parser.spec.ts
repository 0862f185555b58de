import { describe, expect, it } from 'vitest';
import { getValue, findSegments } from './hl7-access.js';
import { Hl7ParseError } from './hl7-parse-error.js';
import { parseHl7 } from './hl7.parser.js';
import { ADT_A01, ADT_A04_V23, ADT_A40, ORU_R01_V24 } from './testing/corpus.fixture.js';

function parseError(input: string | Uint8Array, options?: { maxBytes?: number }): Hl7ParseError {
  try {
    parseHl7(input, options);
  } catch (e) {
    if (e instanceof Hl7ParseError) return e;
    throw e;
  }
  throw new Error('expected an Hl7ParseError');
}

describe('parseHl7 on real messages', () => {
  it('reads the ADT^A01 header and fields 1-based', () => {
    const m = parseHl7(ADT_A01);
    expect(m.delimiters).toEqual({ field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' });
    expect(m.header).toEqual({
      sendingApplication: 'ADTApp',
      sendingFacility: 'GHHSFacility',
      receivingApplication: 'EHRApp',
      receivingFacility: 'GHHRFacility',
      dateTime: '198908181126+0215',
      messageCode: 'ADT',
      triggerEvent: 'A01',
      messageStructure: 'ADT_A01',
      controlId: 'MSG00001',
      processingId: 'P',
      version: '2.8',
      characterSet: '',
    });
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'AL1', 'DG1']);
    const pid = findSegments(m, 'PID')[0];
    expect(getValue(pid, 3)).toBe('PATID1234');
    expect(getValue(pid, 3, 4, 2)).toBe('2.16.1'); // sub-component of PID-3.4
    expect(getValue(pid, 3, 1, 1, 2)).toBe('123456789'); // second repetition
    expect(getValue(pid, 3, 4, 1, 2)).toBe('USSSA');
    expect(getValue(pid, 5, 1, 5)).toBe('Aniston');
    expect(getValue(pid, 2, 5)).toBe('MR');
    expect(getValue(pid, 4, 2)).toBeUndefined(); // empty component
    expect(getValue(pid, 99)).toBeUndefined();
  });

  it('unescapes \\T\\ in PV1-14', () => {
    const pv1 = findSegments(parseHl7(ADT_A01), 'PV1')[0];
    expect(getValue(pv1, 14)).toBe('NHS Provider-General (inc.A&E-this Hosp)');
  });

  it('holds MSH-1 and MSH-2 verbatim so MSH-n lines up with the standard', () => {
    const msh = parseHl7(ADT_A01).segments[0]!;
    expect(msh.fields[1]).toEqual([[['|']]]);
    expect(msh.fields[2]).toEqual([[['^~\\&']]]);
    expect(getValue(msh, 3)).toBe('ADTApp');
    expect(getValue(msh, 9, 3)).toBe('ADT_A01');
    expect(getValue(msh, 17)).toBe('USA');
  });

  it('reads v2.3 (no MSH-9.3), v2.4 and v2.8 merge messages', () => {
    const a04 = parseHl7(ADT_A04_V23);
    expect(a04.header).toMatchObject({ messageCode: 'ADT', triggerEvent: 'A04', messageStructure: '', version: '2.3' });
    expect(a04.header.controlId).toBe('Q123456789T123456789X123456');
    const oru = parseHl7(ORU_R01_V24);
    expect(getValue(findSegments(oru, 'OBX')[0], 5, 2)).toBe('182');
    expect(getValue(findSegments(oru, 'OBX')[0], 5, 1)).toBeUndefined();
    const a40 = parseHl7(ADT_A40);
    expect(getValue(findSegments(a40, 'MRG')[0], 1)).toBe('56789');
  });

  it('keeps empty fields as undefined, trailing separators included', () => {
    const m = parseHl7('MSH|^~\\&|A|B\rPID|1||x||\r');
    const pid = m.segments[1]!;
    expect(pid.fields.length).toBe(6);
    expect(pid.fields[2]).toBeUndefined();
    expect(pid.fields[3]).toEqual([[['x']]]);
    expect(pid.fields[5]).toBeUndefined();
  });

  it('keeps the explicit null "" apart from not sent', () => {
    const pid = parseHl7('MSH|^~\\&|A\rPID|1|""|').segments[1]!;
    expect(getValue(pid, 2)).toBe('""');
    expect(getValue(pid, 3)).toBeUndefined();
  });

  it('keeps Z-segments and a segment without fields', () => {
    const m = parseHl7('MSH|^~\\&|A\rZPD|1|custom^x\rNTE\r');
    expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'ZPD', 'NTE']);
    expect(getValue(m.segments[1], 2, 2)).toBe('x');
    expect(m.segments[2]!.fields.length).toBe(1);
  });
});

describe('parseHl7 line endings, BOM and encodings', () => {
  const segments = ADT_A01.split('\r');
  const reference = parseHl7(ADT_A01);

  it.each([
    ['CR', segments.join('\r')],
    ['LF', segments.join('\n')],
    ['CRLF', segments.join('\r\n')],
    ['CR with trailing blank lines', segments.join('\r') + '\r\r\n\n'],
    ['LF with a final LF', segments.join('\n') + '\n'],
    ['mixed, with blank lines between', segments.join('\r\n\r\n')],
    ['leading blank lines', '\r\n\n' + segments.join('\r')],
  ])('%s gives the same message', (_name, text) => {
    expect(parseHl7(text)).toEqual(reference);
    expect(parseHl7(Buffer.from(text, 'utf8'))).toEqual(reference);
  });

  it('drops a UTF-8 byte-order mark (bytes and string)', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ADT_A04_V23)]);
    expect(parseHl7(withBom)).toEqual(parseHl7(ADT_A04_V23));
    expect(parseHl7('\uFEFF' + ADT_A04_V23)).toEqual(parseHl7(ADT_A04_V23));
  });

  it('decodes 8859/1 bytes per MSH-18', () => {
    const head = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5|||||DEU|8859/1\rPID|1||1||';
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72])]); // "Müller"
    const m = parseHl7(bytes);
    expect(m.header.characterSet).toBe('8859/1');
    expect(getValue(m.segments[1], 5)).toBe('Müller');
  });

  it('decodes UNICODE UTF-8 bytes per MSH-18', () => {
    const text = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.8|||||CHN|UNICODE UTF-8\rPID|1||1||张^伟~Zoë';
    const m = parseHl7(Buffer.from(text, 'utf8'));
    expect(getValue(m.segments[1], 5)).toBe('张');
    expect(getValue(m.segments[1], 5, 2)).toBe('伟');
    expect(getValue(m.segments[1], 5, 1, 1, 2)).toBe('Zoë');
  });

  it('takes undeclared non-ASCII bytes as UTF-8 when valid, else Latin-1', () => {
    const utf8 = parseHl7(Buffer.from('MSH|^~\\&|A\rPID|1||1||Zoë', 'utf8'));
    expect(getValue(utf8.segments[1], 5)).toBe('Zoë');
    const latin = parseHl7(Buffer.from('MSH|^~\\&|A\rPID|1||1||Zoë', 'latin1'));
    expect(getValue(latin.segments[1], 5)).toBe('Zoë');
  });

  it('refuses an unknown MSH-18 and invalid UTF-8 with HL7_BAD_CHARSET', () => {
    const unknown = parseError('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||||x|KLINGON\rPID|1');
    expect(unknown.code).toBe('HL7_BAD_CHARSET');
    expect(unknown.details).toMatchObject({ segment: 'MSH', field: 18 });
    const head = Buffer.from('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||||x|UNICODE UTF-8\rPID|1||', 'latin1');
    const broken = parseError(Buffer.concat([head, Buffer.from([0xc3, 0x28])]));
    expect(broken.code).toBe('HL7_BAD_CHARSET');
  });

  it('takes MSH-18 from its first repetition and component', () => {
    const m = parseHl7('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||||x|8859/1^x~UNICODE UTF-8\rPID|1');
    expect(m.header.characterSet).toBe('8859/1');
  });
});

describe('parseHl7 delimiters and escapes', () => {
  it('uses the encoding characters MSH declares, whatever they are', () => {
    const m = parseHl7('MSH!@#$%!A@x!B\rPID!1!a#b@c%d$F$e');
    expect(m.delimiters).toEqual({ field: '!', component: '@', repetition: '#', escape: '$', subcomponent: '%' });
    const pid = m.segments[1]!;
    expect(pid.fields[2]).toEqual([[['a']], [['b'], ['c', 'd!e']]]);
    expect(getValue(m.segments[0], 3, 2)).toBe('x');
  });

  it('reads a fifth (truncation) encoding character and \\P\\', () => {
    const m = parseHl7('MSH|^~\\&#|A\rNTE|1|x\\P\\y#');
    expect(m.delimiters.truncation).toBe('#');
    expect(getValue(m.segments[1], 2)).toBe('x#y#');
  });

  it('unescapes delimiters, hex and line breaks', () => {
    const m = parseHl7('MSH|^~\\&|A\rNTE|1|a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f|line1\\.br\\line2|\\X41C3A9\\|\\X0D0A\\');
    const nte = m.segments[1]!;
    expect(getValue(nte, 2)).toBe('a|b^c&d~e\\f');
    expect(getValue(nte, 3)).toBe('line1\nline2');
    expect(getValue(nte, 4)).toBe('Aé'); // hex bytes in the (undeclared: UTF-8) character set
    expect(getValue(nte, 5)).toBe('\r\n');
  });

  it('decodes hex escapes in the declared character set', () => {
    const m = parseHl7('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||||x|8859/1\rNTE|1|\\XE9\\');
    expect(getValue(m.segments[1], 2)).toBe('é');
  });

  it('turns formatting escapes into plain text and keeps unknown ones verbatim', () => {
    const m = parseHl7(
      'MSH|^~\\&|A\rOBX|1|FT|\\H\\bold\\N\\ text\\.sp 2\\x\\.sk 3\\y\\.in +4\\z|\\Zlocal\\ C:\\temp\\dir|lone \\ escape|\\.sp 99999999\\',
    );
    const obx = m.segments[1]!;
    expect(getValue(obx, 3)).toBe('bold text\n\nx   yz');
    expect(getValue(obx, 4)).toBe('\\Zlocal\\ C:\\temp\\dir');
    expect(getValue(obx, 5)).toBe('lone \\ escape');
    expect(getValue(obx, 6)).toBe('\\.sp 99999999\\'); // refused: a hostile count is not expanded
  });
});

describe('parseHl7 refuses broken input with a coded Hl7ParseError', () => {
  it.each([
    ['', 'HL7_EMPTY'],
    ['\r\n\r\n  ', 'HL7_EMPTY'],
    ['PID|1||x', 'HL7_MISSING_MSH'],
    ['hello world', 'HL7_MISSING_MSH'],
    ['MSH', 'HL7_BAD_DELIMITERS'],
    ['MSH|^~\\', 'HL7_BAD_DELIMITERS'],
    ['MSH|^~\\&xy|A', 'HL7_BAD_DELIMITERS'],
    ['MSH|^~|&|A', 'HL7_BAD_DELIMITERS'],
    ['MSHA^~\\&A', 'HL7_BAD_DELIMITERS'],
    ['MSH ^~\\& A', 'HL7_BAD_DELIMITERS'],
    ['MSH|^^\\&|A', 'HL7_BAD_DELIMITERS'],
    ['\x00\x01\x02garbage', 'HL7_NOT_TEXT'],
  ])('%j -> %s', (input, code) => {
    expect(parseError(input).code).toBe(code);
  });

  it('points at the segment that breaks', () => {
    const wrongSeparator = parseError('MSH|^~\\&|A\rEVN|A01\rPID^1^^x');
    expect(wrongSeparator.code).toBe('HL7_BAD_SEGMENT');
    expect(wrongSeparator.details).toEqual({ segment: 'PID', segmentIndex: 3 });
    const badName = parseError('MSH|^~\\&|A\rpid|1');
    expect(badName.code).toBe('HL7_BAD_SEGMENT');
    expect(badName.details).toEqual({ segmentIndex: 2 });
    const binary = parseError('MSH|^~\\&|A\rEVN|A01\rPID|1|\x00x');
    expect(binary.code).toBe('HL7_NOT_TEXT');
    expect(binary.details).toEqual({ segmentIndex: 3 });
    const otherHeader = parseError('MSH|^~\\&|A\rMSH|^~\\#|B');
    expect(otherHeader.details).toEqual({ segment: 'MSH', segmentIndex: 2, field: 2 });
  });

  it('never puts message content in the error message', () => {
    const e = parseError('MSH|^~\\&|A\rPID^EVERYMAN^ADAM');
    expect(e.message).not.toContain('EVERYMAN');
    expect(JSON.stringify(e.details)).not.toContain('EVERYMAN');
  });

  it('enforces maxBytes on bytes and strings', () => {
    const e = parseError(Buffer.from(ADT_A01), { maxBytes: 100 });
    expect(e.code).toBe('HL7_TOO_LARGE');
    expect(e.details).toEqual({ maxBytes: 100, totalBytes: Buffer.byteLength(ADT_A01) });
    expect(parseError(ADT_A01, { maxBytes: 100 }).code).toBe('HL7_TOO_LARGE');
    expect(parseHl7(ADT_A01, { maxBytes: 100_000 }).segments.length).toBe(6);
  });
});

describe('parseHl7 on hostile sizes', () => {
  it('parses a 50 MB message in linear time', () => {
    const obx = 'OBX|1|ED|x||' + 'A'.repeat(1024 * 1024) + '\r';
    const text = 'MSH|^~\\&|A\r' + obx.repeat(50);
    const m = parseHl7(Buffer.from(text, 'latin1'));
    expect(m.segments.length).toBe(51);
    expect(getValue(m.segments[50], 5)?.length).toBe(1024 * 1024);
  });

  it('parses a segment with 300,000 fields', () => {
    const m = parseHl7('MSH|^~\\&|A\rZZZ' + '|x^y'.repeat(300_000));
    expect(m.segments[1]!.fields.length).toBe(300_001);
  });

  it('survives megabytes of delimiters only', () => {
    const m = parseHl7('MSH|^~\\&|A\rZZZ|' + '^~&'.repeat(1_000_000));
    expect(m.segments[1]!.fields[1]!.length).toBe(1_000_001);
  });
});

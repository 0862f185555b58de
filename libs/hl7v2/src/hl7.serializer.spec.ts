import { describe, expect, it } from 'vitest';
import type { Hl7Message } from './hl7-message.model.js';
import { parseHl7 } from './hl7.parser.js';
import { serializeHl7 } from './hl7.serializer.js';
import { ADT_A01, ADT_A01_FULL, ADT_A04_V23, ADT_A40, ORU_R01_V24 } from './testing/corpus.fixture.js';

describe('serializeHl7', () => {
  it.each([
    ['ADT^A01', ADT_A01],
    ['ADT^A01 in full', ADT_A01_FULL],
    ['ADT^A04 v2.3', ADT_A04_V23],
    ['ORU^R01 v2.4', ORU_R01_V24],
    ['ADT^A40', ADT_A40],
  ])('writes %s back byte for byte (CR-terminated)', (_name, text) => {
    expect(serializeHl7(parseHl7(text))).toBe(text + '\r');
  });

  it('uses the separator asked for', () => {
    expect(serializeHl7(parseHl7(ADT_A40), { segmentSeparator: '\n' })).toBe(ADT_A40.replaceAll('\r', '\n') + '\n');
  });

  it('escapes delimiters, the escape character and line ends in values', () => {
    const m: Hl7Message = {
      ...parseHl7('MSH|^~\\&|A'),
      segments: [
        parseHl7('MSH|^~\\&|A').segments[0]!,
        { name: 'NTE', fields: [undefined!, [[['a|b^c~d&e\\f\ng\rh']]]] },
      ],
    };
    const text = serializeHl7(m);
    expect(text).toBe('MSH|^~\\&|A\rNTE|a\\F\\b\\S\\c\\R\\d\\T\\e\\E\\f\\.br\\g\\X0D\\h\r');
    expect(parseHl7(text)).toEqual(m);
  });

  it('escapes the truncation character when MSH-2 declares one', () => {
    const m = parseHl7('MSH|^~\\&#|A\rNTE|1|x\\P\\y');
    const text = serializeHl7(m);
    expect(text).toBe('MSH|^~\\&#|A\rNTE|1|x\\P\\y\r');
    expect(parseHl7(text)).toEqual(m);
  });

  it('writes formatting escapes back in their plain-text reading, which parses the same', () => {
    const m = parseHl7('MSH|^~\\&|A\rNTE|1|\\H\\a\\N\\\\.br\\b|\\Zxx\\');
    const again = parseHl7(serializeHl7(m));
    expect(again).toEqual(m);
    expect(serializeHl7(m)).toBe('MSH|^~\\&|A\rNTE|1|a\\.br\\b|\\E\\Zxx\\E\\\r');
  });

  it('keeps custom delimiters', () => {
    const text = 'MSH!@#$%!A@x!B\rPID!1!a#b@c%d$F$e';
    expect(serializeHl7(parseHl7(text))).toBe(text + '\r');
  });
});

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { getValue } from './hl7-access.js';
import { LazySegment } from './hl7-lazy-segment.js';
import type { Hl7Message, Hl7Segment } from './hl7-message.model.js';
import { parseHl7 } from './hl7.parser.js';
import { serializeHl7 } from './hl7.serializer.js';
import { ADT_A01_FULL } from './testing/corpus.fixture.js';

const MESSAGE = 'MSH|^~\\&|APP|FAC|||20240101||ADT^A01|1|P|2.5\rPID|1||A^^^B&C~D||Doe^Jane\rZXX|a\\T\\b|c\r';

/** A plain `{ name, fields }` copy, built without the lazy class. */
function plain(m: Hl7Message): Hl7Message {
  return { ...m, segments: m.segments.map((s): Hl7Segment => ({ name: s.name, fields: structuredClone(s.fields) })) };
}

describe('segments after MSH are split on first read', () => {
  it('and look like the plain model to keys, spread, JSON and deep equality', () => {
    const m = parseHl7(ADT_A01_FULL);
    const pid = m.segments.find((s) => s.name === 'PID')!;
    expect(pid).toBeInstanceOf(LazySegment);
    expect(Object.keys(pid)).toEqual(['name', 'fields']);
    expect({ ...pid }).toEqual({ name: 'PID', fields: pid.fields });
    expect(JSON.parse(JSON.stringify(m.segments))).toEqual(JSON.parse(JSON.stringify(plain(m).segments)));
    expect(m).toEqual(plain(m));
    expect(inspect(pid)).toContain("name: 'PID'");
    expect(inspect(pid)).not.toContain('Getter');
  });

  it('read once: the same arrays on every read, so changes to them are kept', () => {
    const pid = parseHl7(MESSAGE).segments[1]!;
    expect(pid.fields).toBe(pid.fields);
    pid.fields[3]![0]![0]![0] = 'X';
    expect(getValue(pid, 3)).toBe('X');
  });

  it('and can be replaced by assignment, like the data property they stand for', () => {
    const pid = parseHl7(MESSAGE).segments[1]!;
    (pid as { fields: Hl7Segment['fields'] }).fields = [[], [[['2']]]];
    expect(getValue(pid, 1)).toBe('2');
  });

  it('while the checks of every line still run in parseHl7', () => {
    expect(() => parseHl7(`${MESSAGE}${'ROL|1|x\r'.repeat(50)}pid|1\r`)).toThrow(
      expect.objectContaining({ code: 'HL7_BAD_SEGMENT', details: { segmentIndex: 54 } }),
    );
    expect(() => parseHl7(`${MESSAGE}ROL|1\x01|x\r`)).toThrow(expect.objectContaining({ code: 'HL7_NOT_TEXT' }));
  });
});

describe('serializeHl7 of a parsed message', () => {
  it('writes unread segments as received and agrees with the written-from-fields form', () => {
    const m = parseHl7(ADT_A01_FULL);
    expect(LazySegment.verbatimLine(m.segments[1]!, m.delimiters)).toBeDefined();
    expect(serializeHl7(m)).toBe(serializeHl7(plain(m)));
  });

  it('writes a segment from its fields once they were read (and maybe changed)', () => {
    const m = parseHl7(MESSAGE);
    m.segments[1]!.fields[5]![0]![0]![0] = 'Roe|x';
    expect(LazySegment.verbatimLine(m.segments[1]!, m.delimiters)).toBeUndefined();
    expect(serializeHl7(m)).toBe(
      'MSH|^~\\&|APP|FAC|||20240101||ADT^A01|1|P|2.5\rPID|1||A^^^B&C~D||Roe\\F\\x^Jane\rZXX|a\\T\\b|c\r',
    );
  });

  it('re-escapes lines holding escapes, and does not reuse a line under other delimiters', () => {
    const m = parseHl7(MESSAGE);
    const zxx = m.segments[2]!;
    expect(LazySegment.verbatimLine(zxx, m.delimiters)).toBeUndefined(); // \T\ is rewritten from the value
    expect(serializeHl7(m).split('\r')[2]).toBe('ZXX|a\\T\\b|c');
    const other = { ...m.delimiters, component: '!' };
    expect(LazySegment.verbatimLine(m.segments[1]!, other)).toBeUndefined();
    expect(serializeHl7({ ...m, delimiters: other }).split('\r')[1]).toBe('PID|1||A!!!B&C~D||Doe!Jane');
  });

  it('escapes a truncation character found in an unread line', () => {
    const m = parseHl7('MSH|^~\\&#|A|||||||||2.7\rZXX|a#b\r');
    expect(LazySegment.verbatimLine(m.segments[1]!, m.delimiters)).toBeUndefined();
    expect(serializeHl7(m)).toBe('MSH|^~\\&#|A|||||||||2.7\rZXX|a\\P\\b\r');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAck } from './ack.builder.js';
import { headerFromMsh } from './hl7-header.reader.js';
import { readHeaderLeniently } from './hl7-header.lenient-reader.js';
import type { Hl7Delimiters, Hl7Field, Hl7Message, Hl7Segment } from './hl7-message.model.js';
import { Hl7ParseError } from './hl7-parse-error.js';
import { parseHl7 } from './hl7.parser.js';
import { serializeHl7 } from './hl7.serializer.js';
import { encodeMllp, MllpDecoder, type MllpEvent } from './mllp.decoder.js';

/** HL7_PROPERTY_RUNS raises the count for a deeper soak than the default CI run. */
const RUNS = { numRuns: Number(process.env['HL7_PROPERTY_RUNS'] ?? 500) };

/** Characters that stress a parser: every usual delimiter, escapes, line ends, controls. */
const TRICKY = ['|', '^', '~', '\\', '&', '#', '!', '@', '\r', '\n', '\r\n', '\x00', '\x0b', '\x1c', '\t', '"', ' '];
const trickyString = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY, '\\F\\', '\\X41\\', '\\.br\\', '\\H\\', 'MSH', 'PID') },
    { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '0', '9', 'é', '张', '\uFEFF') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 60,
});

function expectOnlyParseErrors(input: string | Uint8Array): void {
  let message: Hl7Message;
  try {
    message = parseHl7(input);
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7ParseError);
    return;
  }
  // Fields are split on first read, after parseHl7 returned: that must not throw either.
  for (const segment of message.segments) expect(Array.isArray(segment.fields)).toBe(true);
}

/** The same message with every segment a plain `{ name, fields }` (so written from its fields). */
function materialised(m: Hl7Message): Hl7Message {
  return { ...m, segments: m.segments.map((s) => ({ name: s.name, fields: s.fields })) };
}

describe('parseHl7 never throws anything but Hl7ParseError', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), expectOnlyParseErrors), RUNS);
  });

  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), expectOnlyParseErrors), RUNS);
  });

  it('on strings that look like HL7', () => {
    const header = fc.constantFrom('MSH|^~\\&|', 'MSH|^~\\&#|', 'MSH!@#$%!', 'MSH|', 'MSH|^~\\&', '\uFEFFMSH|^~\\&|', '');
    const charset = fc.constantFrom('', 'ASCII', '8859/1', 'UNICODE UTF-8', 'BIG-5', 'x', 'UNICODE UTF-16');
    const input = fc
      .tuple(header, fc.array(trickyString, { maxLength: 20 }), charset, fc.array(trickyString, { maxLength: 10 }))
      .map(([h, fields, cs, rest]) => `${h}${fields.slice(0, 14).join('|')}|||||||||||||||${cs}\r${rest.join('\r')}`);
    fc.assert(
      fc.property(input, fc.boolean(), (text, asBytes) => expectOnlyParseErrors(asBytes ? Buffer.from(text, 'utf8') : text)),
      RUNS,
    );
  });

  it('and readHeaderLeniently never throws, and its ACK always parses', () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), trickyString.map((s) => 'MSH' + s));
    fc.assert(
      fc.property(input, (bytes) => {
        const request = readHeaderLeniently(bytes);
        const ack = parseHl7(buildAck(request, { code: 'AR', controlId: request.header.controlId ?? '', errors: [{ code: '207', severity: 'E', text: 'x' }] }));
        expect(ack.header.messageCode).toBe('ACK');
        expect(ack.header.receivingApplication).toBe(request.header.sendingApplication ?? '');
      }),
      RUNS,
    );
  });
});

const DELIMITER_CHARS = [...'|^~\\&#!@$%*+/:;<=>?_`{}\'"-,.[]()'];

const delimitersArb: fc.Arbitrary<Hl7Delimiters> = fc
  .uniqueArray(fc.constantFrom(...DELIMITER_CHARS), { minLength: 5, maxLength: 6 })
  .map(([field, component, repetition, escape, subcomponent, truncation]) => {
    const base = { field: field!, component: component!, repetition: repetition!, escape: escape!, subcomponent: subcomponent! };
    return truncation === undefined ? base : { ...base, truncation };
  });

/** Any text at all, with delimiter and escape characters over-represented. */
const valueArb = fc.string({
  unit: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...DELIMITER_CHARS, '\r', '\n', '\x00', '\x1c', '\t', '\\E\\', '\\X0D\\') },
    { weight: 2, arbitrary: fc.constantFrom('a', 'B', '7', ' ', 'é', '张', '""') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});

/** A field in the parser's canonical form: a lone empty value is "not sent" (undefined). */
const fieldArb: fc.Arbitrary<Hl7Field | undefined> = fc.option(
  fc
    .array(fc.array(fc.array(valueArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((f) => (f.length === 1 && f[0]!.length === 1 && f[0]![0]!.length === 1 && f[0]![0]![0] === '' ? undefined : f)),
  { nil: undefined, freq: 4 },
);

const segmentNameArb = fc
  .stringMatching(/^[A-Z][A-Z0-9]{2}$/)
  .filter((n) => n !== 'MSH' && n !== 'BHS' && n !== 'FHS');

const segmentArb: fc.Arbitrary<Hl7Segment> = fc
  .tuple(segmentNameArb, fc.array(fieldArb, { maxLength: 12 }))
  .map(([name, fields]) => ({ name, fields: [undefined as unknown as Hl7Field, ...(fields as Hl7Field[])] }));

const messageArb: fc.Arbitrary<Hl7Message> = fc
  .tuple(
    delimitersArb,
    fc.array(fieldArb, { maxLength: 14 }), // MSH-3..MSH-16
    fc.option(fc.constantFrom('ASCII', '8859/1', 'UNICODE UTF-8'), { nil: undefined }),
    fc.array(segmentArb, { maxLength: 8 }),
  )
  .map(([d, mshFields, charset, segments]) => {
    const enc = d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
    const fields: Hl7Field[] = [undefined as unknown as Hl7Field, [[[d.field]]], [[[enc]]], ...(mshFields as Hl7Field[])];
    if (charset !== undefined) {
      while (fields.length < 18) fields.push(undefined as unknown as Hl7Field);
      fields[18] = [[[charset]]];
    }
    const msh: Hl7Segment = { name: 'MSH', fields };
    return { delimiters: d, header: headerFromMsh(msh), segments: [msh, ...segments] };
  });

describe('parseHl7(serializeHl7(m)) equals m', () => {
  it('for generated messages with delimiters and escapes in their values', () => {
    fc.assert(
      fc.property(messageArb, fc.constantFrom('\r', '\n', '\r\n'), (m, separator) => {
        expect(parseHl7(serializeHl7(m, { segmentSeparator: separator }))).toEqual(m);
      }),
      RUNS,
    );
  });
});

describe('serializeHl7 of a parsed message', () => {
  it('writes unread segments exactly as it writes them from their fields', () => {
    // Text without line ends or refused control bytes, so most generated messages parse.
    const lineText = fc.string({
      unit: fc.constantFrom('|', '^', '~', '\\', '&', '#', '!', '@', '$', '%', '\t', '\x0c', '"', ' ', '\\F\\', '\\X41\\', '\\.br\\', 'a', 'é', '张', '\uFEFF'),
      maxLength: 40,
    });
    const input = fc
      .tuple(fc.array(lineText, { maxLength: 14 }), fc.array(lineText, { maxLength: 10 }), fc.constantFrom('|^~\\&', '|^~\\&#', '!@#$%'))
      .map(([fields, rest, h]) => `MSH${h}${h[0]}${fields.join(h[0])}\r${rest.map((r) => `ZXY${h[0]}${r}`).join('\r')}`);
    fc.assert(
      fc.property(input, fc.constantFrom('\r', '\n'), (text, separator) => {
        let m: Hl7Message;
        try {
          m = parseHl7(text);
        } catch {
          return; // only messages that parse are of interest here
        }
        const lazy = serializeHl7(m, { segmentSeparator: separator });
        expect(lazy).toBe(serializeHl7(materialised(m), { segmentSeparator: separator }));
        expect(parseHl7(lazy)).toEqual(m);
      }),
      RUNS,
    );
  });
});

describe('MllpDecoder yields the same frames whatever the chunking', () => {
  const payloadArb = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0b && x !== 0x1c)));

  it('for any payloads, garbage between frames and cut points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(payloadArb, fc.uint8Array({ maxLength: 5 })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        (items, cuts, maxFrameBytes) => {
          // Garbage without a start block, so it cannot open a frame of its own.
          const wire = Buffer.concat(items.flatMap(([p, g]) => [Buffer.from(g.filter((x) => x !== 0x0b)), encodeMllp(p)]));
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(wire.subarray(last, p));
            last = p;
          }
          chunks.push(wire.subarray(last));
          const whole = framesOf(new MllpDecoder({ maxFrameBytes }), [wire]);
          const pieces = framesOf(new MllpDecoder({ maxFrameBytes }), chunks);
          expect(pieces).toEqual(whole);
          const expected = items.map(([p]) =>
            p.length > maxFrameBytes ? { kind: 'oversize', head: p, totalBytes: p.length } : { kind: 'frame', payload: p },
          );
          expect(whole).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});

function framesOf(decoder: MllpDecoder, chunks: Buffer[]): MllpEvent[] {
  return chunks.flatMap((c) => decoder.push(c)).filter((e) => e.kind !== 'garbage');
}

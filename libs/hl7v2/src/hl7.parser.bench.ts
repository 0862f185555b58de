import { bench, describe } from 'vitest';
import { buildAck } from './ack.builder.js';
import { parseHl7 } from './hl7.parser.js';
import { serializeHl7 } from './hl7.serializer.js';
import { encodeMllp, MllpDecoder } from './mllp.decoder.js';
import { ADT_A01_FULL } from './testing/corpus.fixture.js';

// Run with `npx vitest bench libs/hl7v2 --run`. Numbers depend on the machine and its load:
// compare them with each other, not with a fixed budget (no timed assertions in tests).
const adt = Buffer.from(ADT_A01_FULL, 'utf8');
const adtText = ADT_A01_FULL;
const parsed = parseHl7(adt);
// A copy whose segments are plain objects, so it is written from its fields, value by value.
const read = parseHl7(adt);
const parsedRead = { ...read, segments: read.segments.map((s) => ({ name: s.name, fields: s.fields })) };
const framed = Buffer.concat(Array.from({ length: 100 }, () => encodeMllp(adt)));

describe('hl7v2', () => {
  bench(`parseHl7 ADT^A01 bytes (${adt.length} B)`, () => {
    parseHl7(adt);
  });
  bench('parseHl7 ADT^A01 string', () => {
    parseHl7(adtText);
  });
  // Segments are split on first read: this is the parse as a consumer reading everything pays it.
  bench('parseHl7 ADT^A01 bytes, then read every segment', () => {
    for (const segment of parseHl7(adt).segments) if (segment.fields.length === 0) throw new Error('unreachable');
  });
  bench('serializeHl7 ADT^A01, segments unread (lines reused)', () => {
    serializeHl7(parsed);
  });
  bench('serializeHl7 ADT^A01, from the fields', () => {
    serializeHl7(parsedRead);
  });
  bench('buildAck AA', () => {
    buildAck(parsed, { code: 'AA', controlId: parsed.header.controlId });
  });
  bench('MllpDecoder, 100 frames in one chunk', () => {
    new MllpDecoder({ maxFrameBytes: 1 << 20 }).push(framed);
  });
});

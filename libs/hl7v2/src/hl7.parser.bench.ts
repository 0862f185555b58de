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
const framed = Buffer.concat(Array.from({ length: 100 }, () => encodeMllp(adt)));

describe('hl7v2', () => {
  bench(`parseHl7 ADT^A01 bytes (${adt.length} B)`, () => {
    parseHl7(adt);
  });
  bench('parseHl7 ADT^A01 string', () => {
    parseHl7(adtText);
  });
  bench('serializeHl7 ADT^A01', () => {
    serializeHl7(parsed);
  });
  bench('buildAck AA', () => {
    buildAck(parsed, { code: 'AA', controlId: parsed.header.controlId });
  });
  bench('MllpDecoder, 100 frames in one chunk', () => {
    new MllpDecoder({ maxFrameBytes: 1 << 20 }).push(framed);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeMllp, MllpDecoder, OVERSIZE_HEAD_BYTES, type MllpEvent } from './mllp.decoder.js';
import { ADT_A01, ADT_A40 } from './testing/corpus.fixture.js';

function decodeAll(chunks: Buffer[], maxFrameBytes = 1 << 20): MllpEvent[] {
  const decoder = new MllpDecoder({ maxFrameBytes });
  return chunks.flatMap((c) => decoder.push(c));
}

const frames = (events: MllpEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.payload.toString('utf8')] : []));
const garbage = (events: MllpEvent[]): number =>
  events.reduce((n, e) => n + (e.kind === 'garbage' ? e.bytes : 0), 0);

describe('encodeMllp', () => {
  it('wraps the payload in 0x0B ... 0x1C 0x0D, strings as UTF-8', () => {
    expect([...encodeMllp('Zoë')]).toEqual([0x0b, 0x5a, 0x6f, 0xc3, 0xab, 0x1c, 0x0d]);
    expect([...encodeMllp(Buffer.from([1, 2]))]).toEqual([0x0b, 1, 2, 0x1c, 0x0d]);
  });
});

describe('MllpDecoder', () => {
  it('decodes a frame split at every byte position', () => {
    const wire = encodeMllp(ADT_A40);
    for (let cut = 0; cut <= wire.length; cut++) {
      const events = decodeAll([wire.subarray(0, cut), wire.subarray(cut)]);
      expect(events).toEqual([{ kind: 'frame', payload: Buffer.from(ADT_A40) }]);
    }
  });

  it('decodes a frame fed one byte at a time', () => {
    const wire = encodeMllp(ADT_A01);
    const chunks = [...wire].map((b) => Buffer.from([b]));
    expect(frames(decodeAll(chunks))).toEqual([ADT_A01]);
  });

  it('decodes several frames in one chunk, in order', () => {
    const wire = Buffer.concat([encodeMllp(ADT_A40), encodeMllp(ADT_A01), encodeMllp('')]);
    expect(frames(decodeAll([wire]))).toEqual([ADT_A40, ADT_A01, '']);
  });

  it('copies payloads, so reusing the chunk buffer does not change them', () => {
    const wire = encodeMllp('MSH|^~\\&|A');
    const [event] = decodeAll([wire]);
    wire.fill(0);
    expect(event).toEqual({ kind: 'frame', payload: Buffer.from('MSH|^~\\&|A') });
  });

  it('reports bytes outside frames as garbage and still finds the frames', () => {
    const wire = Buffer.concat([Buffer.from('junk'), encodeMllp('A'), Buffer.from('\r\nxx'), encodeMllp('B'), Buffer.from('tail')]);
    const events = decodeAll([wire]);
    expect(frames(events)).toEqual(['A', 'B']);
    expect(garbage(events)).toBe(4 + 2 + 4); // the CR LF after frame A is a common trailer
    expect(events[0]).toEqual({ kind: 'garbage', bytes: 4 });
  });

  it('ends a frame at 0x1C even without the CR, and abandons a frame restarted by 0x0B', () => {
    const noCr = Buffer.from([0x0b, 0x41, 0x1c, 0x0b, 0x42, 0x1c, 0x0d]);
    expect(frames(decodeAll([noCr]))).toEqual(['A', 'B']);
    const restarted = Buffer.concat([Buffer.from([0x0b]), Buffer.from('half'), encodeMllp('whole')]);
    const events = decodeAll([restarted]);
    expect(frames(events)).toEqual(['whole']);
    expect(garbage(events)).toBe(5);
  });

  it('reports a frame over the limit as oversize with its first 64 KiB, without buffering it all', () => {
    const big = Buffer.alloc(3 * OVERSIZE_HEAD_BYTES + 17, 0x41);
    big.write('MSH|^~\\&|HEAD', 0);
    const wire = Buffer.concat([encodeMllp(big), encodeMllp('next')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 1000) chunks.push(wire.subarray(i, i + 1000));
    const events = decodeAll(chunks, 100_000);
    expect(events.length).toBe(2);
    const [oversize, next] = events;
    if (oversize?.kind !== 'oversize') throw new Error('expected oversize');
    expect(oversize.totalBytes).toBe(big.length);
    expect(oversize.head.equals(big.subarray(0, OVERSIZE_HEAD_BYTES))).toBe(true);
    expect(next).toEqual({ kind: 'frame', payload: Buffer.from('next') });
  });

  it('keeps a frame exactly at the limit, and reports one byte more as oversize', () => {
    expect(decodeAll([encodeMllp(Buffer.alloc(10, 0x41))], 10)[0]?.kind).toBe('frame');
    expect(decodeAll([encodeMllp(Buffer.alloc(11, 0x41))], 10)[0]).toEqual({
      kind: 'oversize',
      head: Buffer.alloc(11, 0x41),
      totalBytes: 11,
    });
  });

  it('does not hold memory for an endless frame', () => {
    const decoder = new MllpDecoder({ maxFrameBytes: 1000 });
    decoder.push(Buffer.from([0x0b]));
    const chunk = Buffer.alloc(1 << 20, 0x41);
    for (let i = 0; i < 20; i++) expect(decoder.push(chunk)).toEqual([]);
    const [event] = decoder.push(Buffer.from([0x1c, 0x0d]));
    expect(event).toMatchObject({ kind: 'oversize', totalBytes: 20 << 20 });
    if (event?.kind === 'oversize') expect(event.head.length).toBe(OVERSIZE_HEAD_BYTES);
  });
});

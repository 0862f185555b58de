import { describe, expect, it } from 'vitest';
import { PduFramer } from './pdu.framer.js';

const pdu = (type: number, length: number, body = length, fill = type) =>
  Buffer.concat([Buffer.from([type, 0, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]), Buffer.alloc(body, fill)]);

function frame(framer: PduFramer, stream: Buffer, step: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += step) expect(framer.push(stream.subarray(i, i + step), (p) => out.push(Buffer.from(p)))).toBeUndefined();
  return out;
}

describe('PduFramer', () => {
  const pdus = [pdu(1, 300), pdu(4, 1000), pdu(5, 0), pdu(4, 4), pdu(6, 4)];
  const stream = Buffer.concat(pdus);

  it.each([1, 5, 6, 7, 300, 1006, stream.length])('emits each whole PDU, in order, from chunks of %i bytes', (step) => {
    expect(frame(new PduFramer(1000), stream, step)).toEqual(pdus);
  });

  it('emits a PDU inside one chunk as a view of it (no copy)', () => {
    const chunk = Buffer.concat([pdu(4, 10), pdu(4, 20)]);
    const out: Buffer[] = [];
    new PduFramer(1000).push(chunk, (p) => out.push(p));
    expect(out.map((p) => p.buffer === chunk.buffer)).toEqual([true, true]);
    expect(out.map((p) => p.length)).toEqual([16, 26]);
  });

  it('reports the first PDU declaring more than the limit, even when its header is split, and emits nothing of it', () => {
    const framer = new PduFramer(1000);
    const split = Buffer.concat([pdu(4, 10), pdu(4, 0xfffffff0, 0)]);
    const out: Buffer[] = [];
    expect(framer.push(split.subarray(0, 19), (p) => out.push(p))).toBeUndefined();
    expect(framer.push(split.subarray(19), (p) => out.push(p))).toBe(0xfffffff0);
    expect(out).toHaveLength(1);
    expect(new PduFramer(1000).push(pdu(1, 1001, 0), () => undefined)).toBe(1001);
  });
});

import { describe, expect, it } from 'vitest';
import { PduLengthGuard } from './pdu-length.guard.js';

const pdu = (type: number, length: number, body = length) => Buffer.concat([Buffer.from([type, 0, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]), Buffer.alloc(body)]);

describe('PduLengthGuard', () => {
  it('follows PDU boundaries across chunks of any size', () => {
    const guard = new PduLengthGuard(1000);
    const stream = Buffer.concat([pdu(1, 300), pdu(4, 1000), pdu(5, 4)]);
    for (let i = 0; i < stream.length; i += 7) expect(guard.push(stream.subarray(i, i + 7))).toBeUndefined();
  });

  it('reports the first PDU declaring more than the limit, even when its header is split', () => {
    const guard = new PduLengthGuard(1000);
    const stream = Buffer.concat([pdu(4, 10), pdu(4, 0xfffffff0, 0)]);
    expect(guard.push(stream.subarray(0, 19))).toBeUndefined();
    expect(guard.push(stream.subarray(19))).toBe(0xfffffff0);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeHl7Text, encodeHl7Text } from './hl7-text.codec.js';

const latin1Msg = 'MSH|^~\\&|Müller|F|||1||ACK|1|P|2.5|||||DEU|8859/1\rMSA|AA|1\r';
const utf8Msg = 'MSH|^~\\&|张|F|||1||ACK|1|P|2.8|||||CHN|UNICODE UTF-8\rMSA|AA|1\r';

describe('encodeHl7Text / decodeHl7Text', () => {
  it('writes and reads 8859/1 as Latin-1', () => {
    const bytes = encodeHl7Text(latin1Msg);
    expect(bytes.includes(0xfc)).toBe(true); // ü as one byte
    expect(bytes.length).toBe(latin1Msg.length);
    expect(decodeHl7Text(bytes)).toBe(latin1Msg);
  });

  it('replaces characters Latin-1 cannot hold', () => {
    expect(decodeHl7Text(encodeHl7Text(latin1Msg.replace('Müller', '张')))).toContain('|?|F|');
  });

  it('writes and reads UTF-8 and undeclared text as UTF-8', () => {
    expect(decodeHl7Text(encodeHl7Text(utf8Msg))).toBe(utf8Msg);
    const plain = 'MSH|^~\\&|Zoë\rMSA|AA|1\r';
    expect(encodeHl7Text(plain).equals(Buffer.from(plain, 'utf8'))).toBe(true);
    expect(decodeHl7Text(Buffer.from(plain, 'utf8'))).toBe(plain);
  });

  it('never throws on garbage', () => {
    expect(decodeHl7Text(Buffer.from([0xff, 0xfe, 0x00]))).toBe('\u00ff\u00fe\u0000');
  });
});

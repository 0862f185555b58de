import { describe, expect, it } from 'vitest';
import { splitMessages } from './hl7-file.splitter.js';

describe('splitMessages', () => {
  it('splits at MSH starts and blank lines, whatever the line endings, and drops batch envelopes', () => {
    const file = 'FHS|^~\\&\r\nBHS|^~\\&\r\nMSH|^~\\&|A\r\nPID|1\r\n\r\nMSH|^~\\&|B\nPID|2\nMSH|^~\\&|C\rPID|3\r\nBTS|3\r\nFTS|1\r\n';
    const parts = splitMessages(Buffer.from(file)).map((b) => b.toString('latin1'));
    expect(parts).toEqual(['MSH|^~\\&|A\rPID|1\r', 'MSH|^~\\&|B\rPID|2\r', 'MSH|^~\\&|C\rPID|3\r']);
  });

  it('keeps every byte (8859/1 text, a UTF-8 BOM dropped)', () => {
    const latin1 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('MSH|^~\\&|A\rPID|1||M\u00fcller\r', 'latin1')]);
    const [message] = splitMessages(latin1);
    expect(message!.equals(Buffer.from('MSH|^~\\&|A\rPID|1||M\u00fcller\r', 'latin1'))).toBe(true);
  });

  it('gives nothing for an empty file', () => {
    expect(splitMessages(Buffer.from('\r\n\n'))).toEqual([]);
  });
});

/**
 * Splits a file's bytes into HL7 v2 messages: a message starts at each `MSH` line and
 * ends at a blank line or the next `MSH`. Batch envelopes (FHS/BHS/BTS/FTS) are dropped.
 * Works on latin1 strings so every byte survives unchanged, whatever MSH-18 says.
 */
export function splitMessages(bytes: Buffer): Buffer[] {
  let text = bytes.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // UTF-8 BOM, as latin1
  const messages: Buffer[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) messages.push(Buffer.from(current.join('\r') + '\r', 'latin1'));
    current = [];
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const head = line.slice(0, 3);
    if (head === 'FHS' || head === 'BHS' || head === 'BTS' || head === 'FTS') continue;
    if (head === 'MSH') flush();
    current.push(line);
  }
  flush();
  return messages;
}

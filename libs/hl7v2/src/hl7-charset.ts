import { isAscii } from 'node:buffer';

/**
 * MSH-18 character sets (HL7 table 0211) and byte decoding.
 *
 * The bytes of a message can only be decoded once its character set is known, and that
 * is written inside the message. Every supported set is ASCII-compatible, so MSH can be
 * read from the raw bytes as Latin-1 first, then the whole message decoded properly.
 */

/** How a supported MSH-18 value is decoded. */
export type Hl7Charset = 'ascii' | 'latin1' | 'utf-8' | { readonly textDecoder: string };

const CHARSETS: ReadonlyMap<string, Hl7Charset> = new Map<string, Hl7Charset>([
  ['', 'ascii'],
  ['ASCII', 'ascii'],
  ['8859/1', 'latin1'],
  ['8859/2', { textDecoder: 'iso-8859-2' }],
  ['8859/3', { textDecoder: 'iso-8859-3' }],
  ['8859/4', { textDecoder: 'iso-8859-4' }],
  ['8859/5', { textDecoder: 'iso-8859-5' }],
  ['8859/6', { textDecoder: 'iso-8859-6' }],
  ['8859/7', { textDecoder: 'iso-8859-7' }],
  ['8859/8', { textDecoder: 'iso-8859-8' }],
  ['8859/9', { textDecoder: 'iso-8859-9' }],
  ['8859/15', { textDecoder: 'iso-8859-15' }],
  // Table 0211's plain "UNICODE" predates the UTF split; an MSH readable as ASCII rules out
  // UTF-16/32, so UTF-8 is the only reading that can work.
  ['UNICODE', 'utf-8'],
  ['UNICODE UTF-8', 'utf-8'],
  ['UTF-8', 'utf-8'],
  ['GB 18030-2000', { textDecoder: 'gb18030' }],
  ['BIG-5', { textDecoder: 'big5' }],
  ['KS X 1001', { textDecoder: 'euc-kr' }],
]);

/** The decoding for an MSH-18 value, or `undefined` when it is unknown or unsupported. */
export function lookupCharset(msh18: string): Hl7Charset | undefined {
  return CHARSETS.get(msh18.trim().toUpperCase());
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes message bytes. Returns `undefined` when the bytes are not valid in that set
 * (declared UTF-8 with broken sequences): the caller reports HL7_BAD_CHARSET rather than
 * silently replacing characters in a patient's name.
 *
 * "ASCII" (also the default when MSH-18 is empty) is read leniently: pure 7-bit bytes are
 * ASCII; otherwise valid UTF-8 is taken as UTF-8 (the common undeclared case), and anything
 * else as Latin-1, which never fails.
 */
export function decodeBytes(bytes: Uint8Array, charset: Hl7Charset): string | undefined {
  if (charset === 'latin1') return latin1(bytes);
  if (charset === 'utf-8') return utf8OrUndefined(bytes);
  if (charset === 'ascii') {
    if (isSevenBit(bytes)) return latin1(bytes);
    return utf8OrUndefined(bytes) ?? latin1(bytes);
  }
  try {
    return new TextDecoder(charset.textDecoder, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Latin-1 is a byte-to-code-point identity, which also makes it safe for sniffing MSH. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function isSevenBit(bytes: Uint8Array): boolean {
  // A native check: a JS loop over a 50 MB message would dominate parse time.
  return isAscii(bytes);
}

const lenientDecoders = new Map<string, { decode(bytes: Uint8Array): string }>();

/**
 * Decodes the bytes of a `\Xhh..\` escape in the message's character set. Never fails:
 * one odd byte inside a hex escape should not reject a whole message.
 */
export function decodeEscapedBytes(bytes: Uint8Array, charset: Hl7Charset): string {
  if (charset === 'latin1') return latin1(bytes);
  if (charset === 'ascii') return decodeBytes(bytes, 'ascii') ?? latin1(bytes); // same leniency as the message
  const label = charset === 'utf-8' ? 'utf-8' : charset.textDecoder;
  let decoder = lenientDecoders.get(label);
  if (decoder === undefined) {
    decoder = new TextDecoder(label);
    lenientDecoders.set(label, decoder);
  }
  return decoder.decode(bytes);
}

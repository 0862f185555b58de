import { decodeEscapedBytes, latin1, lookupCharset } from './hl7-charset.js';
import { DEFAULT_DELIMITERS, readDeclaredDelimiters } from './hl7-delimiters.js';
import { unescapeValue } from './hl7-escape.codec.js';
import type { Hl7Delimiters, Hl7Header } from './hl7-message.model.js';

/** MSH is looked for only this far in: an ACK must not cost a scan of a 50 MB frame. */
const HEAD_BYTES = 64 * 1024;

/** What {@link readHeaderLeniently} could make out. */
export interface LenientHeader {
  /** Only the header facts that were found and non-empty. */
  readonly header: Partial<Hl7Header>;
  /** The declared delimiters, or `|^~\&` when none could be read. */
  readonly delimiters: Hl7Delimiters;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Best-effort read of MSH from any bytes (even garbage or broken messages), for answering
 * an ACK: finds `MSH` anywhere in the first 64 KiB, tolerates bad delimiters, truncation
 * and unknown character sets. Never throws.
 */
export function readHeaderLeniently(input: string | Uint8Array): LenientHeader {
  try {
    return read(input);
  } catch {
    return { header: {}, delimiters: DEFAULT_DELIMITERS };
  }
}

function read(input: string | Uint8Array): LenientHeader {
  const bytes = typeof input === 'string' ? undefined : input.subarray(0, HEAD_BYTES);
  const head = bytes === undefined ? (input as string).slice(0, HEAD_BYTES) : latin1(bytes);
  const start = findMsh(head);
  if (start === -1) return { header: {}, delimiters: DEFAULT_DELIMITERS };
  let end = start;
  while (end < head.length && head[end] !== '\r' && head[end] !== '\n') end++;
  let line = head.slice(start, end);
  const declared = readDeclaredDelimiters(line);
  const delimiters = declared?.delimiters ?? DEFAULT_DELIMITERS;
  if (line[3] !== delimiters.field) return { header: {}, delimiters };

  let fields = splitFields(line, delimiters);
  const msh18 = pick(fields, 18, delimiters);
  const charset = lookupCharset(msh18.indexOf(delimiters.escape) === -1 ? msh18 : unescapeValue(msh18, delimiters, latin1));
  if (bytes !== undefined && charset !== undefined && charset !== 'ascii' && charset !== 'latin1') {
    // Names of sending applications may be non-ASCII: re-read the line in its character set.
    line = decodeEscapedBytes(bytes.subarray(start, end), charset);
    fields = splitFields(line, delimiters);
  }
  const hex = (b: Uint8Array): string => (charset === undefined ? latin1(b) : decodeEscapedBytes(b, charset));
  const value = (n: number, component = 1): string => {
    const raw = pick(fields, n, delimiters, component);
    return raw.indexOf(delimiters.escape) === -1 ? raw : unescapeValue(raw, delimiters, hex);
  };
  const header: Mutable<Partial<Hl7Header>> = {};
  const put = (key: keyof Hl7Header, v: string): void => {
    if (v !== '') header[key] = v;
  };
  put('sendingApplication', value(3));
  put('sendingFacility', value(4));
  put('receivingApplication', value(5));
  put('receivingFacility', value(6));
  put('dateTime', value(7));
  put('messageCode', value(9));
  put('triggerEvent', value(9, 2));
  put('messageStructure', value(9, 3));
  put('controlId', value(10));
  put('processingId', value(11));
  put('version', value(12));
  put('characterSet', value(18));
  return { header, delimiters };
}

/**
 * Where MSH starts: preferably at the start of a line (a PID can hold the text "MSH"),
 * else anywhere, as after garbage glued to the message.
 */
function findMsh(head: string): number {
  let anywhere = -1;
  for (let i = head.indexOf('MSH'); i !== -1; i = head.indexOf('MSH', i + 1)) {
    const before = i === 0 ? 0 : head.charCodeAt(i - 1);
    if (i === 0 || before === 0x0d || before === 0x0a || before === 0x0b || before === 0xfeff || before === 0xbf) return i;
    if (anywhere === -1) anywhere = i;
  }
  return anywhere;
}

/** `fields[n]` is the raw text of MSH-n (n >= 3). */
function splitFields(line: string, d: Hl7Delimiters): string[] {
  const encEnd = line.indexOf(d.field, 4);
  if (encEnd === -1) return [];
  return ['', '', '', ...line.slice(encEnd + 1).split(d.field, 40)];
}

function pick(fields: string[], n: number, d: Hl7Delimiters, component = 1): string {
  const raw = fields[n];
  if (raw === undefined) return '';
  const firstRep = raw.split(d.repetition, 1)[0]!;
  const value = firstRep.split(d.component, component)[component - 1] ?? '';
  return value.split(d.subcomponent, 1)[0]!;
}

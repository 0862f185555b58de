import { DEFAULT_DELIMITERS } from './hl7-delimiters.js';
import type { Hl7Delimiters, Hl7Field, Hl7Header, Hl7Segment } from './hl7-message.model.js';
import { serializeSegment } from './hl7.serializer.js';
import { isEncodableCharset } from './hl7-text.codec.js';

/** One problem reported in an ACK's ERR segment. Positions are 1-based. */
export interface AckError {
  segment?: string;
  segmentIndex?: number;
  field?: number;
  component?: number;
  /**
   * HL7 table 0357: 100 segment sequence error, 101 required field missing, 102 data type
   * error, 103 table value not found, 200 unsupported message type, 201 unsupported event
   * code, 202 unsupported processing id, 203 unsupported version id, 206 application record
   * locked, 207 application internal error.
   */
  code: string;
  severity: 'E' | 'W' | 'F';
  /** Human-readable reason (ERR-8). Must not contain PHI: ACKs are logged by senders. */
  text: string;
}

/** The request an ACK answers: whatever could be read of its header. */
export interface AckRequest {
  header?: Partial<Hl7Header>;
  delimiters?: Hl7Delimiters;
}

/** What the ACK says. */
export interface AckOptions {
  code: 'AA' | 'AE' | 'AR';
  /** MSA-3 text message, when given. */
  text?: string;
  /** The control id of the message being acknowledged (MSA-2). */
  controlId: string;
  errors?: AckError[];
  /** MSH-7 and the new control id derive from it; default now. */
  now?: Date;
}

const TABLE_0357: Readonly<Record<string, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

/** Used when the request's MSH-12 could not be read. */
const FALLBACK_VERSION = '2.5.1';

/**
 * Builds an original-mode ACK: MSH with sender and receiver swapped, `ACK^<event>^ACK`, a
 * new control id, the request's version, processing id, character set (when it is one
 * `encodeHl7Text` can write) and encoding characters; `MSA|code|<original control id>`; then one ERR per error.
 *
 * ERR-2 is an ERL location (`SEG^seq^field^repetition^component`, per the standard),
 * ERR-3 `code^text^HL70357`, ERR-4 the severity, ERR-8 the text. For versions before 2.5,
 * whose ERR has only ERR-1, the location and code are also written there.
 * Segments end in CR, the last one included.
 */
export function buildAck(request: AckRequest, ack: AckOptions): string {
  const d = request.delimiters ?? DEFAULT_DELIMITERS;
  const h = request.header ?? {};
  const now = ack.now ?? new Date();
  const version = h.version || FALLBACK_VERSION;
  const msh: Array<Hl7Field | undefined> = [];
  msh[3] = one(h.receivingApplication);
  msh[4] = one(h.receivingFacility);
  msh[5] = one(h.sendingApplication);
  msh[6] = one(h.sendingFacility);
  msh[7] = one(formatTimestamp(now));
  msh[9] = h.triggerEvent ? [[['ACK'], [h.triggerEvent], ['ACK']]] : one('ACK');
  msh[10] = one(newControlId(now));
  msh[11] = one(h.processingId || 'P');
  msh[12] = one(version);
  // Echoed only when the ACK can really be written in it (see encodeHl7Text).
  if (h.characterSet && isEncodableCharset(h.characterSet)) msh[18] = one(h.characterSet);
  const segments: Hl7Segment[] = [
    segment('MSH', msh),
    segment('MSA', [undefined, one(ack.code), one(ack.controlId), ack.text ? one(ack.text) : undefined]),
  ];
  const legacy = versionBefore(version, 2, 5);
  for (const error of ack.errors ?? []) segments.push(errSegment(error, legacy));
  let out = '';
  for (const s of segments) out += serializeSegment(s, d) + '\r';
  return out;
}

function errSegment(e: AckError, legacy: boolean): Hl7Segment {
  const location = [e.segment ?? '', num(e.segmentIndex), num(e.field)];
  const codeText = TABLE_0357[e.code] ?? '';
  const fields: Array<Hl7Field | undefined> = [];
  if (legacy) {
    fields[1] = [[...location.map((v) => [v]), [e.code, codeText, 'HL70357']]];
  }
  if (e.segment !== undefined || e.field !== undefined) {
    fields[2] = [[...location.map((v) => [v]), [e.component === undefined ? '' : '1'], [num(e.component)]]];
  }
  fields[3] = [[[e.code], [codeText], ['HL70357']]];
  fields[4] = one(e.severity);
  fields[8] = one(e.text);
  return segment('ERR', fields);
}

function segment(name: string, fields: Array<Hl7Field | undefined>): Hl7Segment {
  // Trailing empty fields and components are trimmed so the ACK reads as senders expect
  // (`MSA|AA|1`, `PID^1^3`).
  let length = fields.length;
  while (length > 1 && fields[length - 1] === undefined) length--;
  const cleaned: Hl7Field[] = [];
  for (let i = 0; i < length; i++) cleaned.push(trimField(fields[i]));
  return { name, fields: cleaned };
}

function trimField(field: Hl7Field | undefined): Hl7Field {
  if (field === undefined) return undefined as unknown as Hl7Field;
  return field.map((rep) => {
    const comps = rep.map((c) => {
      const subs = [...c];
      while (subs.length > 1 && subs[subs.length - 1] === '') subs.pop();
      return subs;
    });
    while (comps.length > 1 && comps[comps.length - 1]!.length === 1 && comps[comps.length - 1]![0] === '') comps.pop();
    return comps;
  });
}

function one(value: string | undefined): Hl7Field | undefined {
  return value ? [[[value]]] : undefined;
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function versionBefore(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map((p) => Number.parseInt(p, 10));
  if (a === undefined || Number.isNaN(a)) return false;
  return a < major || (a === major && (b ?? 0) < minor);
}

/** HL7 DTM in UTC with an explicit offset, so the receiver never guesses the zone. */
function formatTimestamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds()) +
    '+0000'
  );
}

let sequence = 0;
const processTag = Math.floor(Math.random() * 36 ** 3)
  .toString(36)
  .padStart(3, '0');

/**
 * A new control id, at most 20 characters (v2.5's length for MSH-10): time, a per-process
 * counter and a random per-process tag, so intake processes on several machines differ.
 */
function newControlId(now: Date): string {
  sequence = (sequence + 1) % 36 ** 4;
  return ('A' + now.getTime().toString(36) + sequence.toString(36).padStart(4, '0') + processTag).toUpperCase();
}

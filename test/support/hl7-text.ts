import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Repository root (two levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const hl7FixturesDir = join(repoRoot, 'fixtures', 'hl7v2');

/**
 * Reads a corpus message from `fixtures/hl7v2/` with segments separated by CR, as it goes on
 * the wire. These helpers work on text on purpose: the tests must not trust the engine's own
 * parser to build or judge what they send.
 */
export function readHl7Fixture(name: string): string {
  return normaliseSegments(readFileSync(join(hl7FixturesDir, name), 'utf8'));
}

/** Fixture file names (for example every `ADT-A*.hl7`). */
export function listHl7Fixtures(pattern: RegExp): string[] {
  return readdirSync(hl7FixturesDir).filter((f) => pattern.test(f)).sort();
}

export function normaliseSegments(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .filter((line) => line.trim().length > 0)
    .join('\r');
}

function segmentsOf(message: string): string[] {
  return message.split('\r');
}

/** Field n of the first `name` segment, as the standard numbers it (MSH-1 is the separator). */
export function getField(message: string, name: string, field: number): string | undefined {
  const line = segmentsOf(message).find((s) => s.startsWith(`${name}|`));
  if (!line) return undefined;
  const parts = line.split('|');
  return name === 'MSH' ? (field === 1 ? '|' : parts[field - 1]) : parts[field];
}

/** Replaces field n of the first `name` segment (padding with empty fields when short). */
export function setField(message: string, name: string, field: number, value: string): string {
  const segments = segmentsOf(message);
  const index = segments.findIndex((s) => s.startsWith(`${name}|`));
  if (index < 0) throw new Error(`no ${name} segment`);
  const parts = segments[index]!.split('|');
  const position = name === 'MSH' ? field - 1 : field;
  while (parts.length <= position) parts.push('');
  parts[position] = value;
  segments[index] = parts.join('|');
  return segments.join('\r');
}

/** Replaces component 1 of the first repetition of a field, keeping the rest. */
export function setFirstComponent(message: string, name: string, field: number, value: string): string {
  const current = getField(message, name, field) ?? '';
  const [first = '', ...otherReps] = current.split('~');
  const components = first.split('^');
  components[0] = value;
  return setField(message, name, field, [components.join('^'), ...otherReps].join('~'));
}

/** First component of the first repetition of a field (e.g. the MRN of PID-3). */
export function firstComponent(message: string, name: string, field: number): string | undefined {
  return getField(message, name, field)?.split('~')[0]?.split('^')[0];
}

/**
 * A variant of a template message with its own control id and its own patient (PID-3 first
 * identifier) and visit (PV1-19 when present): resources derived from them get new ids.
 */
export function uniqueVariant(template: string, tag: string): string {
  let message = setField(template, 'MSH', 10, tag);
  if (getField(message, 'PID', 3) !== undefined) message = setFirstComponent(message, 'PID', 3, `MRN${tag}`);
  if ((getField(message, 'PV1', 19) ?? '') !== '') message = setFirstComponent(message, 'PV1', 19, `V${tag}`);
  return message;
}

export interface ParsedAck {
  code: string;
  controlId: string;
  errors: string[];
  text: string;
}

/** Reads MSA-1, MSA-2 and the ERR segments of an ACK (any segment terminator). */
export function readAck(ack: string): ParsedAck {
  const segments = ack.split(/\r\n|\n|\r/).filter((s) => s.length > 0);
  const fieldSep = segments[0]?.startsWith('MSH') ? segments[0][3] ?? '|' : '|';
  const msa = segments.find((s) => s.startsWith('MSA'))?.split(fieldSep) ?? [];
  return {
    code: msa[1] ?? '',
    controlId: msa[2] ?? '',
    errors: segments.filter((s) => s.startsWith('ERR')),
    text: ack,
  };
}

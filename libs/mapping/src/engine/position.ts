import type { Hl7Repetition, Hl7Segment } from '@hie/hl7v2';

/**
 * A parsed map position. Absolute: `PID-3.4.1` (segment, field, component, sub-component).
 * Relative (inside datatype maps): `4.1` of the current value; `.` is the value itself.
 */
export interface Position {
  readonly text: string;
  readonly segment?: string;
  readonly field?: number;
  /** Component (absolute) or the first relative index. */
  readonly component?: number;
  readonly sub?: number;
  readonly self: boolean;
}

const ABSOLUTE = /^([A-Z][A-Z0-9]{2})-(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?$/;
const RELATIVE = /^(\d{1,3})(?:\.(\d{1,3}))?$/;

/** Parses a position; returns undefined when the text is not one (the loader reports it). */
export function parsePosition(text: string | number): Position | undefined {
  const t = String(text);
  if (t === '.') return { text: t, self: true };
  const a = ABSOLUTE.exec(t);
  if (a) {
    return { text: t, segment: a[1], field: num(a[2]), component: num(a[3]), sub: num(a[4]), self: false };
  }
  const r = RELATIVE.exec(t);
  if (r) return { text: t, component: num(r[1]), sub: num(r[2]), self: false };
  return undefined;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return n > 0 ? n : undefined;
}

/** HL7's explicit null `""` means "no value" for conversion purposes. */
export function clean(s: string | undefined): string {
  return s === undefined || s === '""' ? '' : s;
}

/** A component seen as a value of its own: its sub-components become components. */
export function componentAsValue(component: string[] | undefined): Hl7Repetition | undefined {
  if (component === undefined) return undefined;
  return component.map((s) => [s]);
}

/** First string of a value (component 1, sub-component 1). */
export function firstString(value: Hl7Repetition | undefined): string {
  return clean(value?.[0]?.[0]);
}

/** True when every string in the value is empty. */
export function isEmptyValue(value: Hl7Repetition | undefined): boolean {
  if (value === undefined) return true;
  for (const c of value) for (const s of c) if (clean(s) !== '') return false;
  return true;
}

/** The values a position selects inside one value (relative) — at most one. */
export function selectRelative(value: Hl7Repetition | undefined, pos: Position): Hl7Repetition | undefined {
  if (pos.self || value === undefined) return value;
  const comp = value[(pos.component ?? 1) - 1];
  if (pos.sub === undefined) return componentAsValue(comp);
  const s = comp?.[pos.sub - 1];
  return s === undefined ? undefined : [[s]];
}

/** Every repetition of an absolute position in a segment, as values. */
export function selectAbsolute(segment: Hl7Segment | undefined, pos: Position): Hl7Repetition[] {
  const field = segment?.fields[pos.field ?? 0];
  if (field === undefined) return [];
  if (pos.component === undefined) return field;
  const out: Hl7Repetition[] = [];
  for (const rep of field) {
    const comp = rep[pos.component - 1];
    if (pos.sub === undefined) {
      const v = componentAsValue(comp);
      if (v) out.push(v);
    } else {
      const s = comp?.[pos.sub - 1];
      if (s !== undefined) out.push([[s]]);
    }
  }
  return out;
}

/** Joins a base position and a relative one: `PID-3` + `4.2` → `PID-3.4.2`. */
export function joinPosition(base: string, pos: Position): string {
  if (pos.segment) return pos.text;
  if (pos.self) return base;
  return `${base}.${pos.text}`;
}

/** Rule checks over a converted Bundle (after Microsoft FHIR-Converter's own rule tests). */
import type { Bundle } from '@hie/fhir';
import type { Hl7Message, Hl7Repetition } from '@hie/hl7v2';
import type { ConversionResult, MappedSource } from '@hie/mapping';
import { builtinTransforms, type TransformContext } from '@hie/mapping';

/** Every `reference` that does not point at a PUT entry of the Bundle. */
export function unresolvedReferences(bundle: Bundle): string[] {
  // A PATCH entry names a resource the store already holds (a merged patient): it resolves there.
  const known = new Set((bundle.entry ?? []).filter((e) => e.request?.method === 'PUT' || e.request?.method === 'PATCH').map((e) => e.request!.url));
  const bad: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string' && !known.has(x)) bad.push(x);
        walk(x);
      }
    }
  };
  for (const e of bundle.entry ?? []) walk(e.resource);
  return bad;
}

/** `Type/id` pairs that occur more than once. */
export function duplicateIds(bundle: Bundle): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const e of bundle.entry ?? []) {
    const key = `${e.request?.method} ${e.resource?.resourceType}/${e.resource?.id ?? e.request?.url}`;
    if (seen.has(key)) dup.push(key);
    seen.add(key);
  }
  return dup;
}

/** JSON paths of empty values: `{}`, `[]`, `""`, null, or a resource with nothing but its id. */
export function emptyElements(bundle: Bundle): string[] {
  const bad: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === '' || (typeof v === 'string' && v.trim() === '')) bad.push(path);
    else if (Array.isArray(v)) {
      if (v.length === 0) bad.push(path);
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0) bad.push(path);
      for (const k of keys) walk((v as Record<string, unknown>)[k], `${path}.${k}`);
    }
  };
  (bundle.entry ?? []).forEach((e, i) => {
    walk(e, `entry[${i}]`);
    const keys = Object.keys(e.resource ?? {}).filter((k) => k !== 'resourceType' && k !== 'id' && k !== 'meta');
    if (keys.length === 0) bad.push(`entry[${i}].resource (empty ${e.resource?.resourceType})`);
  });
  return bad;
}

/** Every string and number in the Bundle, as text. */
function outputTexts(bundle: Bundle): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(bundle);
  return out;
}

interface Pos {
  segment: string;
  field: number;
  component?: number;
  sub?: number;
}

function parsePos(p: string): Pos | undefined {
  const m = /^([A-Z0-9]{3})-(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(p);
  if (!m) return undefined;
  return { segment: m[1]!, field: +m[2]!, component: m[3] ? +m[3] : undefined, sub: m[4] ? +m[4] : undefined };
}

/** The strings a position reads: first sub-component of the addressed part, per repetition. */
function leafValues(message: Hl7Message, pos: Pos, whole: boolean): string[] {
  const out: string[] = [];
  for (const seg of message.segments) {
    if (seg.name !== pos.segment) continue;
    for (const rep of seg.fields[pos.field] ?? []) out.push(...leavesOf(rep, pos, whole));
  }
  return out.map((s) => s.trim()).filter((s) => s !== '' && s !== '""');
}

function leavesOf(rep: Hl7Repetition, pos: Pos, whole: boolean): string[] {
  if (pos.component === undefined) return whole ? rep.flat() : [rep[0]?.[0] ?? ''];
  const comp = rep[pos.component - 1] ?? [];
  if (pos.sub === undefined) return whole ? comp : [comp[0] ?? ''];
  return [comp[pos.sub - 1] ?? ''];
}

export interface CodeTableData {
  source?: string;
  target?: string;
  map: Record<string, string | { code: string }>;
  default?: string | { code: string };
}

/**
 * Mapped source values that do not appear in the output after their declared transform
 * (copied as is; date reformatted; code looked up, or kept as the sent code) and that no
 * warning issue names. Returns `position: reason` lines, never values.
 */
export function missingSourceValues(
  message: Hl7Message,
  sources: readonly MappedSource[],
  result: ConversionResult,
  tables: Readonly<Record<string, CodeTableData>>,
): string[] {
  const texts = outputTexts(result.bundle);
  const exact = new Set(texts);
  const appears = (s: string): boolean => exact.has(s) || texts.some((t) => t.includes(s));
  const warned = (position: string): boolean =>
    result.issues.some((i) => (i.expression ?? []).some((e) => e === position || e.startsWith(`${position}.`) || position.startsWith(`${e}.`) || e === position.split('-')[0]));
  const tctx = (warnings: string[]): TransformContext => ({
    timezone: undefined,
    lookup: (table, code) => {
      const t = tables[table];
      const hit = t?.map[code] ?? t?.default;
      if (hit === undefined) return undefined;
      return typeof hit === 'string' ? { code: hit, system: t?.target } : { code: hit.code, system: t?.target };
    },
    datatype: () => undefined,
    warn: (r) => warnings.push(r),
  });
  const coveredElsewhere = new Set(sources.filter((s) => !s.read.startsWith('fn:')).map((s) => s.position));
  const missing: string[] = [];
  for (const src of sources) {
    const pos = parsePos(src.position);
    if (!pos) continue;
    const isFn = src.read.startsWith('fn:');
    const values = leafValues(message, pos, isFn);
    if (values.length === 0 || warned(src.position)) continue;
    if (isFn) {
      // A function chooses among its arguments (a unit's system, a phone number's parts):
      // the call passes when some argument's value appears or one of them was warned about.
      const group = src.args ?? [src.position];
      if (group.some((a) => coveredElsewhere.has(a) || warned(a))) continue;
      const groupValues = group.flatMap((a) => {
        const p = parsePos(a);
        return p ? leafValues(message, p, true) : [];
      });
      const loosely = (v: string): boolean => {
        if (appears(v)) return true;
        const d = builtinTransforms.value['dateTime']!(v, tctx([]));
        const n = builtinTransforms.value['decimal']!(v, tctx([]));
        return (d !== undefined && appears(String(d))) || (n !== undefined && appears(String(n)));
      };
      if (!groupValues.some(loosely)) missing.push(`${src.position}: no value of the ${src.read} arguments appears`);
      continue;
    }
    for (const v of values) {
      let ok: boolean;
      if (src.read === 'string') ok = appears(v);
      else if (src.read.startsWith('transform:')) {
        const fn = builtinTransforms.value[src.read.slice('transform:'.length)]!;
        const w: string[] = [];
        const r = fn(v, tctx(w));
        ok = r === undefined ? w.length > 0 && warned(src.position) : appears(String(r));
      } else {
        const table = tables[src.read.slice('code:'.length)];
        const hit = table?.map[v] ?? table?.map[v.toUpperCase()] ?? table?.default;
        const code = typeof hit === 'string' ? hit : hit?.code;
        ok = (code !== undefined && appears(code)) || appears(v);
        // A code another table covers (address use vs type) passes through that read instead.
        if (!ok) ok = sources.some((o) => o !== src && o.position === src.position && o.read.startsWith('code:'));
      }
      if (!ok) missing.push(`${src.position}: a value read as ${src.read} does not appear`);
    }
  }
  return [...new Set(missing)];
}

import type { MappedSource } from '../mapping-set.model.js';
import { fail, isRecord, type CompileEnv } from './compile-env.js';
import type { CompiledObject, CompiledValue, EvalCtx } from './compiled.model.js';
import { holdsReference, jsonCopier, present } from './json-values.js';
import { isEmptyValue, joinPosition, parsePosition, type Position } from './position.js';
import { plainStrings, stringReader, strings } from './string-reader.js';
import { select, selectFirst } from './value-select.js';

type Json = unknown;
const SPEC_KEYS = new Set(['from', 'type', 'transform', 'code', 'as', 'each', 'object', 'requires', 'const', 'ref', 'refs', 'fn', 'args', 'default']);
const KEY = /^([a-z][A-Za-z0-9]*)(\[\]|\[x\])?$/;
const AS = new Set(['code', 'Coding', 'CodeableConcept']);
const TYPE_NAME = /^[A-Z][A-Za-z]+$/;

export function compilePosition(env: CompileEnv, key: string, raw: Json): Position {
  const p = typeof raw === 'string' || typeof raw === 'number' ? parsePosition(raw) : undefined;
  if (!p) fail(env, key, `not a position (expected e.g. PID-3.1, 4.2 or .)`);
  return p;
}

/** Compiles one value spec (see docs/mappings.md, Value specs). */
export function compileValue(env: CompileEnv, key: string, spec: Json): CompiledValue {
  if (!isRecord(spec)) fail(env, key, 'a value spec must be a mapping');
  for (const k of Object.keys(spec)) if (!SPEC_KEYS.has(k)) fail(env, `${key}.${k}`, 'unknown key');
  const sourceKeys = ['from', 'each', 'const', 'ref', 'refs', 'fn'].filter((k) => k in spec);
  if (sourceKeys.length > 1) fail(env, key, `only one of ${sourceKeys.join(', ')} may be given`);
  if (sourceKeys.length === 0 && !('object' in spec)) fail(env, key, 'needs one of from, each, object, const, ref, refs, fn');
  const hasDefault = 'default' in spec;
  const dflt = spec['default'];
  const core = compileCore(env, key, spec, sourceKeys[0]);
  // An empty default gives nothing, as no default would (empty values are never written).
  if (!hasDefault || !present(dflt)) return core;
  // Copied per use, like constants: no two resources share the object (a merge may add to it).
  const copy = jsonCopier(dflt);
  return {
    sources: core.sources,
    one: (ctx) => {
      const v = core.one(ctx);
      return v !== undefined ? v : copy();
    },
    many: (ctx) => {
      const v = core.many(ctx);
      return v.length ? v : [copy()];
    },
  };
}

function compileCore(env: CompileEnv, key: string, spec: Record<string, Json>, source: string | undefined): CompiledValue {
  const extra = (allowed: string[]): void => {
    for (const k of ['type', 'transform', 'code', 'as', 'object', 'requires', 'args']) {
      if (k in spec && !allowed.includes(k)) fail(env, `${key}.${k}`, `not allowed with ${source ?? 'object'}`);
    }
  };
  switch (source) {
    case 'const': {
      extra([]);
      const c = spec['const'];
      if (!present(c)) fail(env, `${key}.const`, 'must not be empty');
      const copy = jsonCopier(c);
      return { sources: [], one: copy, many: () => [copy()] };
    }
    case 'ref':
    case 'refs': {
      extra([]);
      const alias = spec[source];
      if (typeof alias !== 'string' || !TYPE_NAME.test(alias)) fail(env, `${key}.${source}`, 'must name a resource type or alias');
      return source === 'ref' ? compileRef(alias) : compileRefs(alias);
    }
    case 'fn':
      extra(['args']);
      return compileFn(env, key, spec);
    case 'each': {
      extra(['object', 'requires']);
      if (!('object' in spec)) fail(env, key, 'each needs object');
      const pos = compilePosition(env, `${key}.each`, spec['each']);
      const obj = compileObject(env, `${key}.object`, spec['object'], requiresOf(env, key, spec));
      return iterate(pos, obj.sources, obj);
    }
    case 'from':
      return compileFrom(env, key, spec);
    default: {
      extra(['object', 'requires']);
      const obj = compileObject(env, `${key}.object`, spec['object'], requiresOf(env, key, spec));
      return {
        sources: obj.sources,
        one: (ctx) => obj(ctx),
        many: (ctx) => {
          const o = obj(ctx);
          return o === undefined ? [] : [o];
        },
      };
    }
  }
}

function compileRef(alias: string): CompiledValue {
  const one = (ctx: EvalCtx): unknown => {
    const slot = ctx.group.findSlot(alias);
    return slot && ctx.run.slotAlive(slot) ? { reference: ctx.run.slotReference(slot) } : undefined;
  };
  return {
    sources: [],
    one,
    many: (ctx) => {
      const r = one(ctx);
      return r === undefined ? [] : [r];
    },
  };
}

function compileRefs(alias: string): CompiledValue {
  const many = (ctx: EvalCtx): unknown[] => {
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const slot of ctx.group.collectSlots(alias)) {
      if (!ctx.run.slotAlive(slot)) continue;
      const ref = ctx.run.slotReference(slot);
      if (!seen.has(ref)) {
        seen.add(ref);
        out.push({ reference: ref });
      }
    }
    return out;
  };
  return { sources: [], one: (ctx) => many(ctx)[0], many };
}

function compileFn(env: CompileEnv, key: string, spec: Record<string, Json>): CompiledValue {
  const name = spec['fn'];
  if (typeof name !== 'string' || !(name in env.transforms.multi)) fail(env, `${key}.fn`, `unknown transform ${String(name)}`);
  const fn = env.transforms.multi[name]!;
  const rawArgs = spec['args'];
  if (!Array.isArray(rawArgs) || rawArgs.length === 0) fail(env, `${key}.args`, 'fn needs a list of positions');
  const args = rawArgs.map((a, i) => compilePosition(env, `${key}.args[${i}]`, a));
  const one = (ctx: EvalCtx): unknown => {
    // Called even when every arg is empty: some transforms give a required default (Encounter.status).
    const values = args.map((p) => select(ctx, p));
    return fn(values, ctx.run.transformContext(ctx, args));
  };
  return {
    sources: args.map((p) => ({ position: p.text, read: `fn:${name}`, args: args.map((a) => a.text) })),
    one: (ctx) => {
      const v = one(ctx);
      return present(v) ? v : undefined;
    },
    many: (ctx) => {
      const v = one(ctx);
      if (Array.isArray(v)) return v.filter(present);
      return present(v) ? [v] : [];
    },
  };
}

/**
 * One output per repetition (array target) or the first repetition (scalar target). `each` is an
 * object builder or a datatype map: it returns undefined or a non-empty value, never checked again.
 */
function iterate(pos: Position, sources: readonly MappedSource[], each: (ctx: EvalCtx) => unknown): CompiledValue {
  const many = (ctx: EvalCtx): unknown[] => {
    const out: unknown[] = [];
    for (const v of select(ctx, pos)) {
      if (isEmptyValue(v)) continue;
      const r = each(ctx.at(v, pos));
      if (r !== undefined) out.push(r);
    }
    return out;
  };
  return {
    sources: sources.map((s) => ({ ...s, position: prefix(pos, s.position), ...(s.args ? { args: s.args.map((a) => prefix(pos, a)) } : {}) })),
    many,
    one: (ctx) => {
      const v = selectFirst(ctx, pos);
      if (isEmptyValue(v)) return undefined;
      return each(ctx.at(v, pos));
    },
  };
}

/** A source position seen through `pos`: relative ones get its prefix. */
function prefix(pos: Position, inner: string): string {
  const p = parsePosition(inner);
  if (!p || p.segment) return inner;
  return p.self ? pos.text : `${pos.text}.${inner}`;
}

function compileFrom(env: CompileEnv, key: string, spec: Record<string, Json>): CompiledValue {
  const pos = compilePosition(env, `${key}.from`, spec['from']);
  const modes = ['type', 'transform', 'code'].filter((k) => k in spec);
  if (modes.length > 1) fail(env, key, 'only one of type, transform, code');
  if ('object' in spec || 'args' in spec) fail(env, `${key}.${'object' in spec ? 'object' : 'args'}`, 'not allowed with from');
  if ('as' in spec && !('code' in spec)) fail(env, `${key}.as`, 'as is only for code lookups');
  if ('type' in spec) {
    const dt = spec['type'];
    if (typeof dt !== 'string' || !env.hasDatatype(dt)) fail(env, `${key}.type`, `unknown datatype map ${String(dt)}`);
    return iterate(pos, env.datatypeSources(dt), env.datatypeEvaluator(dt));
  }
  // Strings are read straight from the message: no value objects, no child contexts (the hot path).
  const reader = stringReader(pos);
  const source = (read: string): MappedSource[] => [{ position: pos.text, read }];
  if ('transform' in spec) {
    const name = spec['transform'];
    if (typeof name !== 'string' || !(name in env.transforms.value)) fail(env, `${key}.transform`, `unknown transform ${String(name)}`);
    const fn = env.transforms.value[name]!;
    const posList = [pos];
    return strings(source(`transform:${name}`), reader, (s, ctx) => fn(s, ctx.run.transformContext(ctx, posList)));
  }
  if ('code' in spec) {
    const table = spec['code'];
    if (typeof table !== 'string' || !env.tables.has(table)) fail(env, `${key}.code`, `unknown code table ${String(table)}`);
    const as = spec['as'] ?? 'code';
    if (typeof as !== 'string' || !AS.has(as)) fail(env, `${key}.as`, 'must be code, Coding or CodeableConcept');
    const t = env.tables.get(table)!;
    return strings(source(`code:${table}`), reader, (s, ctx) => {
      const hit = t.lookup(s);
      const original = t.source ? { system: t.source, code: s } : { code: s };
      if (!hit) {
        if (as === 'CodeableConcept') return { coding: [original] };
        if (!t.silentWhenUnmapped) ctx.run.warn(`code not in table ${table}`, joinPosition(ctx.base, pos));
        return undefined;
      }
      const coding: Record<string, unknown> = t.target ? { system: t.target, code: hit.code } : { code: hit.code };
      if (hit.display) coding['display'] = hit.display;
      if (as === 'code') return hit.code;
      if (as === 'Coding') return coding;
      return { coding: sameCoding(coding, original) ? [coding] : [coding, original] };
    });
  }
  return plainStrings(source('string'), reader);
}

function sameCoding(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return a['system'] === b['system'] && a['code'] === b['code'];
}

function requiresOf(env: CompileEnv, key: string, spec: Record<string, Json>): string[] {
  const r = spec['requires'];
  if (r === undefined) return [];
  const obj = spec['object'];
  if (!Array.isArray(r) || r.length === 0) fail(env, `${key}.requires`, 'must be a list of keys of object');
  return r.map((x, i) => {
    const name = typeof x === 'string' ? x : '';
    const found = isRecord(obj) && Object.keys(obj).some((k) => k.replace(/\[\]$|\[x\]$/, '') === name);
    if (!found) fail(env, `${key}.requires[${i}]`, 'must name a key of object');
    return name;
  });
}

/**
 * Compiles `{ key: spec | [spec] }` into an object builder. A nested object (the default) is
 * dropped when only its constants are set, or when a key in `requires` is missing — so an
 * element never appears with just its fixed parts (an extension with a url and no value).
 */
export function compileObject(env: CompileEnv, key: string, raw: Json, requires: readonly string[] = [], keepConstOnly = false): CompiledObject {
  if (!isRecord(raw) || Object.keys(raw).length === 0) fail(env, key, 'must be a non-empty mapping of target keys');
  const fields: Field[] = [];
  const sources: MappedSource[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const m = KEY.exec(k);
    const path = `${key}.${k}`;
    if (!m) fail(env, path, 'not a target key (name, name[] or name[x])');
    const name = m[1]!;
    const isConst = isRecord(v) && 'const' in v;
    const required = requires.includes(name);
    if (m[2] === '[]') {
      const specs = (Array.isArray(v) ? v : [v]).map((s, i) => compileValue(env, Array.isArray(v) ? `${path}[${i}]` : path, s));
      for (const s of specs) sources.push(...s.sources);
      // `many` yields only present items (CompiledValue's contract), so they are not checked again.
      const only = specs.length === 1 ? specs[0]! : undefined;
      fields.push({
        name,
        isConst,
        required,
        choice: false,
        compute: only
          ? (ctx) => {
              const items = only.many(ctx);
              return items.length ? items : undefined;
            }
          : (ctx) => {
              let items: unknown[] | undefined;
              for (const s of specs) {
                const got = s.many(ctx);
                if (got.length === 0) continue;
                if (items === undefined) items = got;
                else for (const item of got) items.push(item);
              }
              return items;
            },
      });
    } else {
      if (Array.isArray(v)) fail(env, path, 'a list of specs needs an array key (name[])');
      const s = compileValue(env, path, v);
      sources.push(...s.sources);
      const choice = m[2] === '[x]';
      fields.push({
        name,
        isConst,
        required,
        choice,
        // `one` yields a present value or undefined (CompiledValue's contract).
        compute: choice
          ? (ctx) => {
              const r = s.one(ctx);
              if (r !== undefined && !isRecord(r)) throw new TypeError(`${path}: choice transform must return an object`);
              return r;
            }
          : s.one,
      });
    }
  }
  // Evaluation order: required keys, then the sent values, then constants — so a dropped element
  // costs as little as possible. Output keeps the order the map declares.
  const order = [...fields.keys()].sort((x, y) => rank(fields[x]!) - rank(fields[y]!));
  const firstConst = order.findIndex((i) => fields[i]!.isConst);
  if (firstConst < 0 && requires.length === 0) return Object.assign(simpleBuild(fields), { sources });
  const build = (ctx: EvalCtx, into?: Record<string, unknown>): Record<string, unknown> | undefined => {
    const values: unknown[] = new Array(fields.length);
    let any = false;
    for (let j = 0; j < order.length; j++) {
      const i = order[j]!;
      const f = fields[i]!;
      if (j === firstConst && !any && !keepConstOnly) return undefined; // constants alone: nothing sent
      const v = f.compute(ctx);
      if (v === undefined) {
        if (f.required) {
          if (any && holdsReference(values)) ctx.run.discarded = true;
          return undefined;
        }
        continue;
      }
      values[i] = v;
      if (!f.isConst) any = true;
    }
    if (!any && !(keepConstOnly && firstConst >= 0)) return undefined;
    const out: Record<string, unknown> = into ?? {};
    let written = 0;
    for (let i = 0; i < fields.length; i++) {
      const v = values[i];
      if (v === undefined) continue;
      const f = fields[i]!;
      if (f.choice) written += setChoice(out, f.name, v as Record<string, unknown>);
      else {
        out[f.name] = v;
        written++;
      }
    }
    return written ? out : undefined;
  };
  return Object.assign(build, { sources });
}

interface Field {
  readonly name: string;
  readonly isConst: boolean;
  readonly required: boolean;
  readonly choice: boolean;
  compute(ctx: EvalCtx): unknown;
}

/** The common case (no constants, nothing required): write each value as it comes. */
function simpleBuild(fields: readonly Field[]): (ctx: EvalCtx, into?: Record<string, unknown>) => Record<string, unknown> | undefined {
  return (ctx, into) => {
    let out: Record<string, unknown> | undefined;
    let written = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = f.compute(ctx);
      if (v === undefined) continue;
      out ??= into ?? {};
      if (f.choice) written += setChoice(out, f.name, v as Record<string, unknown>);
      else {
        out[f.name] = v;
        written++;
      }
    }
    return written ? out : undefined;
  };
}

/** A choice-type transform returns { valueQuantity: ... }: keys of this element's name. Returns how many were set. */
function setChoice(out: Record<string, unknown>, name: string, v: Record<string, unknown>): number {
  let n = 0;
  for (const ck in v) {
    const cv = v[ck];
    if (ck.startsWith(name) && present(cv)) {
      out[ck] = cv;
      n++;
    }
  }
  return n;
}

function rank(f: Field): number {
  return f.required ? 0 : f.isConst ? 2 : 1;
}


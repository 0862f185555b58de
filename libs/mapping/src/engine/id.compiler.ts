import type { CompiledId, EvalCtx } from './compiled.model.js';
import { firstString, isEmptyValue, type Position } from './position.js';
import { fail, isRecord, type CompileEnv } from './compile-env.js';
import { compilePosition } from './value.compiler.js';
import { select } from './value-select.js';

type Json = unknown;

type IdPart = { pos: Position } | { ref: string } | { first: IdPart[] } | { all: Position[] };

function compileIdPart(env: CompileEnv, key: string, raw: Json): IdPart {
  if (Array.isArray(raw)) return { first: raw.map((r, i) => compileIdPart(env, `${key}[${i}]`, r)) };
  if (isRecord(raw)) {
    const keys = Object.keys(raw);
    const all = raw['all'];
    if (keys.length === 1 && Array.isArray(all) && all.length > 0) {
      return { all: all.map((p, i) => compilePosition(env, `${key}.all[${i}]`, p)) };
    }
    if (keys.length !== 1 || keys[0] !== 'ref' || typeof raw['ref'] !== 'string') {
      fail(env, key, 'an id part is a position, { ref: Type }, { all: [positions] } or a list (first non-empty)');
    }
    return { ref: raw['ref'] };
  }
  return { pos: compilePosition(env, key, raw) };
}

function evalIdPart(ctx: EvalCtx, part: IdPart): string {
  if ('pos' in part) return firstString(select(ctx, part.pos)[0]).trim();
  if ('ref' in part) {
    const slot = ctx.group.findSlot(part.ref);
    return slot ? ctx.run.slotId(slot) : '';
  }
  if ('all' in part) {
    // Every value, empty ones included, so positions stay apart: non-empty if any is.
    const vals = part.all.map((p) => firstString(select(ctx, p)[0]).trim());
    return vals.some((v) => v !== '') ? vals.join('|') : '';
  }
  for (const p of part.first) {
    const s = evalIdPart(ctx, p);
    if (s) return s;
  }
  return '';
}

/** Compiles `id:` alternatives; the first whose parts are all non-empty gives the id. */
export function compileId(env: CompileEnv, key: string, raw: Json): CompiledId {
  if (!Array.isArray(raw) || raw.length === 0) fail(env, key, 'must be a list of alternatives ({ of?, parts })');
  const alts = raw.map((alt, i) => {
    const k = `${key}[${i}]`;
    if (!isRecord(alt)) fail(env, k, 'an alternative is { of?, parts }');
    for (const ak of Object.keys(alt)) if (ak !== 'of' && ak !== 'parts') fail(env, `${k}.${ak}`, 'unknown key');
    const of = alt['of'] === undefined ? undefined : compilePosition(env, `${k}.of`, alt['of']);
    const rawParts = alt['parts'];
    if (!Array.isArray(rawParts) || rawParts.length === 0) fail(env, `${k}.parts`, 'must be a non-empty list');
    return { of, parts: rawParts.map((p, j) => compileIdPart(env, `${k}.parts[${j}]`, p)) };
  });
  return (ctx, type) => {
    for (const alt of alts) {
      let c = ctx;
      if (alt.of) {
        const v = select(ctx, alt.of)[0];
        if (isEmptyValue(v)) continue;
        c = ctx.at(v, alt.of);
      }
      const parts = [type];
      let ok = true;
      for (const p of alt.parts) {
        const s = evalIdPart(c, p);
        if (!s) {
          ok = false;
          break;
        }
        parts.push(s);
      }
      if (ok) return ctx.run.id(parts);
    }
    return undefined;
  };
}

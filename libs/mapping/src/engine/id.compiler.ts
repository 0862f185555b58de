import type { CompiledId, EvalCtx } from './compiled.model.js';
import { isEmptyValue, type Position } from './position.js';
import { fail, isRecord, type CompileEnv } from './compile-env.js';
import { compilePosition } from './value.compiler.js';
import { firstSelectedString, selectFirst } from './value-select.js';

type Json = unknown;

/** An id part, compiled: its string in the context ('' = missing). */
type IdPart = (ctx: EvalCtx) => string;

/** Whether the id reads only the current value and MSH (so, within a message, depends on the value alone). */
interface Purity {
  valueOnly: boolean;
}

function notePosition(purity: Purity, pos: Position): Position {
  if (pos.segment !== undefined && pos.segment !== 'MSH') purity.valueOnly = false;
  return pos;
}

function compileIdPart(env: CompileEnv, key: string, raw: Json, purity: Purity): IdPart {
  if (Array.isArray(raw)) {
    // First non-empty.
    const first = raw.map((r, i) => compileIdPart(env, `${key}[${i}]`, r, purity));
    return (ctx) => {
      for (let i = 0; i < first.length; i++) {
        const s = first[i]!(ctx);
        if (s) return s;
      }
      return '';
    };
  }
  if (isRecord(raw)) {
    const keys = Object.keys(raw);
    const all = raw['all'];
    if (keys.length === 1 && Array.isArray(all) && all.length > 0) {
      const positions = all.map((p, i) => notePosition(purity, compilePosition(env, `${key}.all[${i}]`, p)));
      // Every value, empty ones included, so positions stay apart: non-empty if any is.
      return (ctx) => {
        let joined = '';
        let any = false;
        for (let i = 0; i < positions.length; i++) {
          const v = firstSelectedString(ctx, positions[i]!).trim();
          if (v !== '') any = true;
          joined = i === 0 ? v : `${joined}|${v}`;
        }
        return any ? joined : '';
      };
    }
    if (keys.length !== 1 || keys[0] !== 'ref' || typeof raw['ref'] !== 'string') {
      fail(env, key, 'an id part is a position, { ref: Type }, { all: [positions] } or a list (first non-empty)');
    }
    const alias = raw['ref'];
    purity.valueOnly = false;
    return (ctx) => {
      const slot = ctx.group.findSlot(alias);
      return slot ? ctx.run.slotId(slot) : '';
    };
  }
  const pos = notePosition(purity, compilePosition(env, key, raw));
  return (ctx) => firstSelectedString(ctx, pos).trim();
}

/** Compiles `id:` alternatives; the first whose parts are all non-empty gives the id. */
export function compileId(env: CompileEnv, key: string, raw: Json): CompiledId {
  if (!Array.isArray(raw) || raw.length === 0) fail(env, key, 'must be a list of alternatives ({ of?, parts })');
  const purity: Purity = { valueOnly: true };
  const alts = raw.map((alt, i) => {
    const k = `${key}[${i}]`;
    if (!isRecord(alt)) fail(env, k, 'an alternative is { of?, parts }');
    for (const ak of Object.keys(alt)) if (ak !== 'of' && ak !== 'parts') fail(env, `${k}.${ak}`, 'unknown key');
    const of = alt['of'] === undefined ? undefined : notePosition(purity, compilePosition(env, `${k}.of`, alt['of']));
    const rawParts = alt['parts'];
    if (!Array.isArray(rawParts) || rawParts.length === 0) fail(env, `${k}.parts`, 'must be a non-empty list');
    return { of, parts: rawParts.map((p, j) => compileIdPart(env, `${k}.parts[${j}]`, p, purity)) };
  });
  const compute = (ctx: EvalCtx, type: string): string | undefined => {
    for (const alt of alts) {
      let c = ctx;
      if (alt.of) {
        const v = selectFirst(ctx, alt.of);
        if (isEmptyValue(v)) continue;
        c = ctx.at(v, alt.of);
      }
      const parts = [type];
      let ok = true;
      for (const p of alt.parts) {
        const s = p(c);
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
  return Object.assign(compute, { valueOnly: purity.valueOnly });
}

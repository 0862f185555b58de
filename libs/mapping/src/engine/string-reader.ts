import type { Hl7Repetition } from '@hie/hl7v2';
import type { MappedSource } from '../mapping-set.model.js';
import type { CompiledValue, EvalCtx } from './compiled.model.js';
import { clean, type Position } from './position.js';
import { present } from './json-values.js';

/** Reads the strings at a position: first sub-component of the addressed part, per repetition. */
export interface StringReader {
  first(ctx: EvalCtx): string;
  all(ctx: EvalCtx): string[];
}

export function stringReader(pos: Position): StringReader {
  const c = (pos.component ?? 1) - 1;
  const sub = (pos.sub ?? 1) - 1;
  if (pos.segment === undefined) {
    // Relative: one value, no repetitions.
    const read = (ctx: EvalCtx): string => {
      const v = ctx.value;
      if (v === undefined) return '';
      if (pos.self) return clean(v[0]?.[0]).trim();
      return clean(v[c]?.[sub]).trim();
    };
    return { first: read, all: (ctx) => [read(ctx)] };
  }
  const fieldOf = (ctx: EvalCtx): Hl7Repetition[] | undefined => {
    const seg = pos.segment === ctx.segment.name ? ctx.segment : ctx.group.findSegment(pos.segment!);
    return seg?.fields[pos.field ?? 0];
  };
  return {
    first: (ctx) => {
      const rep = fieldOf(ctx)?.[0];
      return rep ? clean(rep[c]?.[sub]).trim() : '';
    },
    all: (ctx) => (fieldOf(ctx) ?? []).map((rep) => clean(rep[c]?.[sub]).trim()),
  };
}

/** A string-valued spec: each non-empty string through `map`; one per repetition for arrays. */
export function strings(sources: MappedSource[], reader: StringReader, map: (s: string, ctx: EvalCtx) => unknown): CompiledValue {
  return {
    sources,
    one: (ctx) => {
      const s = reader.first(ctx);
      if (s === '') return undefined;
      const r = map(s, ctx);
      return present(r) ? r : undefined;
    },
    many: (ctx) => {
      const out: unknown[] = [];
      for (const s of reader.all(ctx)) {
        if (s === '') continue;
        const r = map(s, ctx);
        if (present(r)) out.push(r);
      }
      return out;
    },
  };
}


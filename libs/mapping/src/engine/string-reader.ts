import type { Hl7Repetition } from '@hie/hl7v2';
import type { MappedSource } from '../mapping-set.model.js';
import type { CompiledValue, EvalCtx } from './compiled.model.js';
import { clean, type Position } from './position.js';
import { present } from './json-values.js';

/** Reads the strings at a position: first sub-component of the addressed part, per repetition. */
export interface StringReader {
  first(ctx: EvalCtx): string;
  /** The repetitions read (undefined for a relative position: one value, no repetitions). */
  field(ctx: EvalCtx): Hl7Repetition[] | undefined;
  /** The string of one repetition from `field`. */
  ofRepetition(rep: Hl7Repetition): string;
}

export function stringReader(pos: Position): StringReader {
  const c = (pos.component ?? 1) - 1; // `.` (self) reads component 1, sub-component 1 too
  const sub = (pos.sub ?? 1) - 1;
  const ofRepetition = (rep: Hl7Repetition): string => clean(rep[c]?.[sub]).trim();
  if (pos.segment === undefined) {
    // Relative: one value, no repetitions.
    const read = (ctx: EvalCtx): string => {
      const v = ctx.value;
      return v === undefined ? '' : ofRepetition(v);
    };
    return { first: read, field: () => undefined, ofRepetition };
  }
  const segment = pos.segment;
  const index = pos.field ?? 0;
  const field = (ctx: EvalCtx): Hl7Repetition[] | undefined => {
    const seg = segment === ctx.segment.name ? ctx.segment : ctx.group.findSegment(segment);
    return seg?.fields[index];
  };
  return {
    first: (ctx) => {
      const rep = field(ctx)?.[0];
      return rep ? ofRepetition(rep) : '';
    },
    field,
    ofRepetition,
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
      const reps = reader.field(ctx);
      if (reps === undefined) {
        const s = reader.first(ctx);
        if (s !== '') {
          const r = map(s, ctx);
          if (present(r)) out.push(r);
        }
        return out;
      }
      for (let i = 0; i < reps.length; i++) {
        const s = reader.ofRepetition(reps[i]!);
        if (s === '') continue;
        const r = map(s, ctx);
        if (present(r)) out.push(r);
      }
      return out;
    },
  };
}

/** The strings at a position as they are (no transform): the commonest spec, kept lean. */
export function plainStrings(sources: MappedSource[], reader: StringReader): CompiledValue {
  return {
    sources,
    one: (ctx) => {
      const s = reader.first(ctx);
      return s === '' ? undefined : s;
    },
    many: (ctx) => {
      const out: unknown[] = [];
      const reps = reader.field(ctx);
      if (reps === undefined) {
        const s = reader.first(ctx);
        if (s !== '') out.push(s);
        return out;
      }
      for (let i = 0; i < reps.length; i++) {
        const s = reader.ofRepetition(reps[i]!);
        if (s !== '') out.push(s);
      }
      return out;
    },
  };
}

import type { Hl7Repetition } from '@hie/hl7v2';
import type { EvalCtx } from './compiled.model.js';
import { clean, componentAsValue, selectAbsolute, selectRelative, type Position } from './position.js';

/** Values at a position in the current context: every repetition for an absolute field. */
export function select(ctx: EvalCtx, pos: Position): Hl7Repetition[] {
  if (pos.segment === undefined) {
    const v = selectRelative(ctx.value, pos);
    return v === undefined ? [] : [v];
  }
  // Another segment is read from the current group or its parents only: an OBX never reads
  // some other order's OBR.
  const seg = pos.segment === ctx.segment.name ? ctx.segment : ctx.group.findSegment(pos.segment);
  return selectAbsolute(seg, pos);
}


/**
 * `firstString(select(ctx, pos)[0])` without building the selected values: the first string of
 * the first repetition that has the addressed component (and sub-component).
 */
export function firstSelectedString(ctx: EvalCtx, pos: Position): string {
  if (pos.segment === undefined) {
    const v = ctx.value;
    if (v === undefined) return '';
    if (pos.self) return clean(v[0]?.[0]);
    return clean(v[(pos.component ?? 1) - 1]?.[(pos.sub ?? 1) - 1]);
  }
  const seg = pos.segment === ctx.segment.name ? ctx.segment : ctx.group.findSegment(pos.segment);
  const field = seg?.fields[pos.field ?? 0];
  if (field === undefined || field.length === 0) return '';
  if (pos.component === undefined) return clean(field[0]![0]?.[0]);
  const c = pos.component - 1;
  for (let i = 0; i < field.length; i++) {
    const comp = field[i]![c];
    if (comp === undefined) continue;
    if (pos.sub === undefined) return clean(comp[0]);
    const s = comp[pos.sub - 1];
    if (s !== undefined) return clean(s);
  }
  return '';
}

/** `select(ctx, pos)[0]` without building the other repetitions' values. */
export function selectFirst(ctx: EvalCtx, pos: Position): Hl7Repetition | undefined {
  if (pos.segment === undefined) return selectRelative(ctx.value, pos);
  const seg = pos.segment === ctx.segment.name ? ctx.segment : ctx.group.findSegment(pos.segment);
  const field = seg?.fields[pos.field ?? 0];
  if (field === undefined) return undefined;
  if (pos.component === undefined) return field[0];
  const c = pos.component - 1;
  for (let i = 0; i < field.length; i++) {
    const comp = field[i]![c];
    if (pos.sub === undefined) {
      if (comp !== undefined) return componentAsValue(comp);
    } else {
      const s = comp?.[pos.sub - 1];
      if (s !== undefined) return [[s]];
    }
  }
  return undefined;
}

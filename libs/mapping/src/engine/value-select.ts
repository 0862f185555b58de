import type { Hl7Repetition } from '@hie/hl7v2';
import type { EvalCtx } from './compiled.model.js';
import { selectAbsolute, selectRelative, type Position } from './position.js';

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


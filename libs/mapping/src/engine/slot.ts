import type { Hl7Segment } from '@hie/hl7v2';
import type { GroupInstance } from './group-instance.js';
import type { CompiledSegmentMap } from './compiled.model.js';

/**
 * A resource a segment map will produce for one segment occurrence. Slots exist before any id
 * or field is computed, so references resolve from data, not from evaluation order.
 */
export interface Slot {
  readonly map: CompiledSegmentMap;
  readonly type: string;
  readonly alias: string;
  readonly group: GroupInstance;
  readonly segment: Hl7Segment;
  /** 1-based index of the segment in the message. */
  readonly segmentIndex: number;
  id: string | undefined;
  /** `Type/id`, built once for every reference to the slot. */
  reference: string | undefined;
  /** 0 = not computed, 1 = computing (cycle guard), 2 = done. */
  idState: 0 | 1 | 2;
  /** The mapped fields, computed once (undefined until then; null when nothing was mapped). */
  body: Record<string, unknown> | null | undefined;
  bodyState: 0 | 1 | 2;
}

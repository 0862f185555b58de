import type { Hl7Repetition, Hl7Segment } from '@hie/hl7v2';
import type { EvalCtx } from './compiled.model.js';
import type { ConversionRun } from './conversion-run.js';
import type { GroupInstance } from './group-instance.js';
import { joinPosition, type Position } from './position.js';

/**
 * The evaluation context as a class: one fixed shape (fast property access) and the position
 * text built only when a warning needs it, since most values are never warned about.
 */
export class Ctx implements EvalCtx {
  private baseText: string | undefined;

  constructor(
    readonly run: ConversionRun,
    readonly group: GroupInstance,
    readonly segment: Hl7Segment,
    readonly segmentIndex: number,
    readonly value: Hl7Repetition | undefined,
    private readonly parent: EvalCtx | undefined,
    private readonly pos: Position | string | undefined,
  ) {}

  get base(): string {
    if (this.baseText === undefined) {
      const p = this.pos;
      this.baseText = typeof p === 'string' ? p : p === undefined || !this.parent ? this.segment.name : joinPosition(this.parent.base, p);
    }
    return this.baseText;
  }

  at(value: Hl7Repetition | undefined, pos: Position): EvalCtx {
    return new Ctx(this.run, this.group, this.segment, this.segmentIndex, value, this, pos);
  }

  atBase(value: Hl7Repetition | undefined, base: string): EvalCtx {
    return new Ctx(this.run, this.group, this.segment, this.segmentIndex, value, this, base);
  }
}

import type { Hl7Segment } from '@hie/hl7v2';
import type { Slot } from './slot.js';

/** A segment group as declared in a message map. */
export interface GroupDef {
  readonly name: string;
  readonly parent: string | undefined;
  readonly leaders: ReadonlySet<string>;
  /** Members in their standard order (a member cannot join after a later one). */
  readonly members: readonly string[];
  readonly repeats: ReadonlySet<string>;
}

/** One occurrence of a group in a message (the message itself is the root, with no def). */
export class GroupInstance {
  readonly children: GroupInstance[] = [];
  private readonly firstByName = new Map<string, Hl7Segment>();
  private readonly slotsByAlias = new Map<string, Slot[]>();
  private highestMember = -1;

  constructor(
    readonly def: GroupDef | undefined,
    readonly parent: GroupInstance | undefined,
  ) {
    parent?.children.push(this);
  }

  /** Whether this group instance takes the segment (see docs/mappings.md, Grouping). */
  accepts(name: string): boolean {
    if (!this.def) return false;
    const idx = this.def.members.indexOf(name);
    if (idx < 0) return false;
    if (this.firstByName.has(name)) return this.def.repeats.has(name) && idx >= this.highestMember;
    return idx > this.highestMember;
  }

  add(segment: Hl7Segment): void {
    if (!this.firstByName.has(segment.name)) this.firstByName.set(segment.name, segment);
    if (this.def) this.highestMember = Math.max(this.highestMember, this.def.members.indexOf(segment.name));
  }

  /** The first segment of that name here, else in the parent groups. */
  findSegment(name: string): Hl7Segment | undefined {
    for (let g: GroupInstance | undefined = this; g; g = g.parent) {
      const s = g.firstByName.get(name);
      if (s) return s;
    }
    return undefined;
  }

  addSlot(slot: Slot): void {
    const list = this.slotsByAlias.get(slot.alias);
    if (list) list.push(slot);
    else this.slotsByAlias.set(slot.alias, [slot]);
  }

  /** The first slot under that alias here, else in the parent groups. */
  findSlot(alias: string): Slot | undefined {
    for (let g: GroupInstance | undefined = this; g; g = g.parent) {
      const s = g.slotsByAlias.get(alias);
      if (s) return s[0];
    }
    return undefined;
  }

  /** The last slot under that alias in this group instance made by a segment before `segmentIndex`. */
  findOwnSlotBefore(alias: string, segmentIndex: number): Slot | undefined {
    const list = this.slotsByAlias.get(alias);
    let found: Slot | undefined;
    if (list) for (const s of list) if (s.segmentIndex < segmentIndex) found = s;
    return found;
  }

  /** Every slot under that alias here and in all sub-groups, in message order. */
  collectSlots(alias: string, out: Slot[] = []): Slot[] {
    const own = this.slotsByAlias.get(alias);
    if (own) out.push(...own);
    for (const c of this.children) c.collectSlots(alias, out);
    return out;
  }
}

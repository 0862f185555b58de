import { deterministicId } from '@hie/common';
import type { FhirResource, OperationOutcomeIssue } from '@hie/fhir';
import type { Hl7Message, Hl7Repetition } from '@hie/hl7v2';
import { ConversionError } from '../mapping.errors.js';
import type { ConvertOptions } from '../mapping-set.model.js';
import type { TransformContext } from '../transforms/index.js';
import type { CodeTable } from './code-table.js';
import type { EvalCtx } from './compiled.model.js';
import type { Slot } from './slot.js';

/** Datatype maps by name, as the run sees them. */
export type DatatypeEvaluator = (name: string, ctx: EvalCtx) => unknown;

/** The state of converting one message: issues, resources made so far, id cache. */
export class ConversionRun {
  readonly issues: OperationOutcomeIssue[] = [];
  /** Every resource by `Type/id`, in the order first made (the Bundle's order). */
  readonly resources = new Map<string, FhirResource>();
  /** Keys of resources made by datatype maps (Practitioner from an XCN...): kept only when referenced. */
  readonly derived = new Set<string>();

  constructor(
    readonly message: Hl7Message,
    readonly options: ConvertOptions,
    readonly tables: ReadonlyMap<string, CodeTable>,
    readonly datatype: DatatypeEvaluator,
  ) {
  }

  /** Records a dropped value: the position, never the value. */
  warn(reason: string, position: string): void {
    this.issues.push({ severity: 'warning', code: 'value', diagnostics: `${position}: ${reason}; value dropped`, expression: [position] });
  }

  id(parts: readonly string[]): string {
    return deterministicId(this.options.idSecret, parts);
  }

  /** The id of a slot, computed once; ids may depend on other slots' ids (never in a cycle). */
  slotId(slot: Slot): string {
    if (slot.idState === 2) return slot.id!;
    if (slot.idState === 1) {
      throw new ConversionError('CONVERSION_FAILED', `mapping ${slot.map.name}: id depends on itself`, { map: slot.map.name });
    }
    slot.idState = 1;
    const ctx = this.ctxOf(slot);
    // No alternative applies: the message's own identity plus the segment's place still gives
    // the same id when the same message is sent again.
    slot.id =
      slot.map.id?.(ctx, slot.type) ??
      this.id([slot.type, 'segment', this.message.header.sendingFacility, this.message.header.controlId, String(slot.segmentIndex), slot.map.name]);
    slot.idState = 2;
    return slot.id;
  }

  private ctxOf(slot: Slot): EvalCtx {
    return { run: this, group: slot.group, segment: slot.segment, segmentIndex: slot.segmentIndex, value: undefined, base: slot.segment.name };
  }

  /** The mapped fields of a slot, computed once (references may ask for them early). */
  slotBody(slot: Slot): Record<string, unknown> | null {
    if (slot.bodyState === 2) return slot.body ?? null;
    if (slot.bodyState === 1) {
      throw new ConversionError('CONVERSION_FAILED', `mapping ${slot.map.name}: fields depend on themselves`, { map: slot.map.name });
    }
    slot.bodyState = 1;
    slot.body = slot.map.fields(this.ctxOf(slot)) ?? null;
    slot.bodyState = 2;
    return slot.body;
  }

  /** False when the slot's map `requires` keys its fields lack: no resource, no references to it. */
  slotAlive(slot: Slot): boolean {
    if (slot.map.requires.length === 0) return true;
    const body = this.slotBody(slot);
    return body !== null && slot.map.requires.every((k) => k in body);
  }

  /**
   * Adds a resource, or merges it into the one with the same type and id (first value wins).
   * With `segment`, a value the merge cannot keep is reported against that segment.
   */
  addResource(resource: FhirResource & { id: string }, segment?: string): void {
    const key = `${resource.resourceType}/${resource.id}`;
    const existing = this.resources.get(key);
    if (segment === undefined && !existing) this.derived.add(key);
    else if (segment !== undefined) this.derived.delete(key);
    if (!existing) {
      this.resources.set(key, resource);
      return;
    }
    const lost = mergeInto(existing, resource);
    if (segment && lost.length) {
      this.issues.push({
        severity: 'warning',
        code: 'conflict',
        diagnostics: `${segment}: same ${resource.resourceType} as an earlier segment; its ${lost.join(', ')} differ and the first values are kept`,
        expression: [segment],
      });
    }
  }

  /** The transform context for one position. */
  transformContext(ctx: EvalCtx, positions: readonly string[]): TransformContext {
    return {
      timezone: this.options.timezone,
      lookup: (table, code) => {
        const t = this.tables.get(table);
        const hit = t?.lookup(code);
        return hit ? { ...hit, system: t?.target } : undefined;
      },
      datatype: (name: string, value: Hl7Repetition, argIndex: number) =>
        this.datatype(name, { ...ctx, value, base: positions[argIndex] ?? positions[0] ?? ctx.base }),
      warn: (reason, argIndex) => this.warn(reason, positions[argIndex ?? 0] ?? ctx.base),
    };
  }
}

/** Arrays concatenate; objects merge; a scalar already set is kept. Returns the keys not kept. */
export function mergeInto(target: Record<string, unknown>, add: Record<string, unknown>, path = ''): string[] {
  const lost: string[] = [];
  for (const [k, v] of Object.entries(add)) {
    const cur = target[k];
    if (cur === undefined) target[k] = v;
    else if (Array.isArray(cur) && Array.isArray(v)) {
      for (const item of v) if (!cur.some((c) => sameJson(c, item))) cur.push(item);
    } else if (isPlain(cur) && isPlain(v)) lost.push(...mergeInto(cur, v, `${path}${k}.`));
    else if (!sameJson(cur, v)) lost.push(`${path}${k}`);
  }
  return lost;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

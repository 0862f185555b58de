import type { FhirResource, OperationOutcomeIssue } from '@hie/fhir';
import type { Hl7Message, Hl7Repetition } from '@hie/hl7v2';
import { ConversionError } from '../mapping.errors.js';
import type { ConvertOptions } from '../mapping-set.model.js';
import type { TransformContext } from '../transforms/index.js';
import type { CodeTable } from './code-table.js';
import type { EvalCtx } from './compiled.model.js';
import { Ctx } from './eval-context.js';
import { clean, joinPosition, type Position } from './position.js';
import type { Slot } from './slot.js';
import type { IdMemo } from './id-memo.js';

/** Datatype maps by name, as the run sees them. */
export type DatatypeEvaluator = (name: string, ctx: EvalCtx) => unknown;

/** The state of converting one message: issues, resources made so far, id cache. */
export class ConversionRun {
  readonly issues: OperationOutcomeIssue[] = [];
  /**
   * Every resource by id, in the order first made (the Bundle's order). Ids hash the resource
   * type, so an id alone names one resource; the id strings come from the id memo, so their
   * hashes are computed once, not per lookup as a `Type/id` key's would be.
   */
  readonly resources = new Map<string, FhirResource & { id: string }>();
  /** Ids of resources made by datatype maps (Practitioner from an XCN...): kept only when referenced. */
  readonly derived = new Set<string>();
  /** Set when an element was left out after its parts were made (so orphans may exist). */
  discarded = false;

  constructor(
    readonly message: Hl7Message,
    readonly options: ConvertOptions,
    readonly tables: ReadonlyMap<string, CodeTable>,
    readonly datatype: DatatypeEvaluator,
    /** deterministicId(idSecret, parts), memoised across messages. */
    private readonly ids: IdMemo,
  ) {}

  /** Records a dropped value: the position, never the value. */
  warn(reason: string, position: string): void {
    this.issues.push({ severity: 'warning', code: 'value', diagnostics: `${position}: ${reason}; value dropped`, expression: [position] });
  }

  /** Values each derived resource was made from, by id (ids hash the type, so they do not collide). */
  private readonly derivedSources = new Map<string, { map: string; value: Hl7Repetition }[]>();

  /**
   * True when datatype map `map` already made resource `id` from an equal value in this message
   * (datatype maps read only their value and MSH, so an equal value gives an equal resource).
   * Records the value otherwise.
   */
  seenDerived(map: string, id: string, value: Hl7Repetition): boolean {
    const seen = this.derivedSources.get(id);
    if (seen) {
      for (const s of seen) if (s.map === map && sameValue(s.value, value)) return true;
      seen.push({ map, value });
    } else this.derivedSources.set(id, [{ map, value }]);
    return false;
  }

  /** References to resources made by value-only datatype maps, by the value's first string. */
  private readonly derivedByValue = new Map<string, { map: string; value: Hl7Repetition; reference: string }[]>();

  /** The reference to the resource datatype map `map` made from an equal value in this message, if any. */
  derivedOfValue(map: string, value: Hl7Repetition): string | undefined {
    const seen = this.derivedByValue.get(clean(value[0]?.[0]));
    if (seen) for (const s of seen) if (s.map === map && sameValue(s.value, value)) return s.reference;
    return undefined;
  }

  /** Records that datatype map `map` made (or tried to make) the resource `reference` from `value`. */
  recordDerivedValue(map: string, value: Hl7Repetition, reference: string): void {
    const key = clean(value[0]?.[0]);
    const seen = this.derivedByValue.get(key);
    if (seen) seen.push({ map, value, reference });
    else this.derivedByValue.set(key, [{ map, value, reference }]);
  }

  /** deterministicId(idSecret, parts). */
  id(parts: readonly string[]): string {
    return this.ids.id(parts);
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

  /** `Type/id` of a slot, for references (built once). */
  slotReference(slot: Slot): string {
    return (slot.reference ??= `${slot.type}/${this.slotId(slot)}`);
  }

  ctxOf(slot: Pick<Slot, 'group' | 'segment' | 'segmentIndex'>): EvalCtx {
    return new Ctx(this, slot.group, slot.segment, slot.segmentIndex, undefined, undefined, undefined);
  }

  /** The mapped fields of a slot, computed once (references may ask for them early). */
  slotBody(slot: Slot): Record<string, unknown> | null {
    if (slot.bodyState === 2) return slot.body ?? null;
    if (slot.bodyState === 1) {
      throw new ConversionError('CONVERSION_FAILED', `mapping ${slot.map.name}: fields depend on themselves`, { map: slot.map.name });
    }
    slot.bodyState = 1;
    // A resource map's body is built inside the resource itself (its id is set when it is added).
    slot.body = slot.map.fields(this.ctxOf(slot), slot.map.inPlace ? { resourceType: slot.type, id: '' } : undefined) ?? null;
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
    const key = resource.id;
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

  /** The transform context for one call; positions name the call's inputs for warnings. */
  transformContext(ctx: EvalCtx, positions: readonly Position[] | undefined): TransformContext {
    return new RunTransformContext(this, ctx, positions);
  }

  lookup(table: string, code: string): { code: string; display?: string; system?: string } | undefined {
    return this.tables.get(table)?.lookupWithSystem(code);
  }
}

/** One small object per transform call; its methods live on the prototype. */
class RunTransformContext implements TransformContext {
  constructor(
    private readonly run: ConversionRun,
    private readonly ctx: EvalCtx,
    /** The call's argument positions (relative to the context); undefined = the context's own. */
    private readonly positions: readonly Position[] | undefined,
  ) {}

  get timezone(): string | undefined {
    return this.run.options.timezone;
  }

  lookup(table: string, code: string): { code: string; display?: string; system?: string } | undefined {
    return this.run.lookup(table, code);
  }

  /** Built only when needed: most transforms never warn. */
  private position(argIndex: number | undefined): string {
    const p = this.positions?.[argIndex ?? 0] ?? this.positions?.[0];
    return p ? joinPosition(this.ctx.base, p) : this.ctx.base;
  }

  datatype(name: string, value: Hl7Repetition, argIndex: number): unknown {
    return this.run.datatype(name, this.ctx.atBase(value, this.position(argIndex)));
  }

  warn(reason: string, argIndex?: number): void {
    this.run.warn(reason, this.position(argIndex));
  }
}

/** Arrays concatenate; objects merge; a scalar already set is kept. Returns the keys not kept. */
export function mergeInto(target: Record<string, unknown>, add: Record<string, unknown>, path = ''): string[] {
  const lost: string[] = [];
  for (const k in add) {
    const v = add[k];
    const cur = target[k];
    if (cur === undefined) target[k] = v;
    else if (Array.isArray(cur) && Array.isArray(v)) {
      for (const item of v) if (!cur.some((c) => sameJson(c, item))) cur.push(item);
    } else if (isPlain(cur) && isPlain(v)) lost.push(...mergeInto(cur, v, `${path}${k}.`));
    else if (!sameJson(cur, v)) lost.push(`${path}${k}`);
  }
  return lost;
}

function sameValue(a: Hl7Repetition, b: Hl7Repetition): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Equal JSON text (keys in the same order), compared without serialising. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i] || !sameJson(x[kx[i]!], y[kx[i]!])) return false;
  return true;
}

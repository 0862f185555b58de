import type { Hl7Repetition, Hl7Segment } from '@hie/hl7v2';
import type { MappedSource } from '../mapping-set.model.js';
import type { GroupDef, GroupInstance } from './group-instance.js';
import type { Position } from './position.js';
import type { ConversionRun } from './conversion-run.js';

/** Where a compiled closure is evaluated. */
export interface EvalCtx {
  readonly run: ConversionRun;
  readonly group: GroupInstance;
  readonly segment: Hl7Segment;
  readonly segmentIndex: number;
  /** The current value for relative positions (datatype maps, `each`). */
  readonly value: Hl7Repetition | undefined;
  /** Position text of `value`, e.g. `PID-5` (for warnings). */
  readonly base: string;
  /** A context for a value found at `pos` (relative to this one). */
  at(value: Hl7Repetition | undefined, pos: Position): EvalCtx;
  /** A context for a value whose position text is already known. */
  atBase(value: Hl7Repetition | undefined, base: string): EvalCtx;
}

/**
 * A compiled value spec: one value (scalar target) or many (array target). Contract (callers rely
 * on it and do not check again): `one` returns undefined or a non-empty value; `many` returns a
 * fresh array (the caller may keep or extend it) of non-empty values.
 */
export interface CompiledValue {
  one(ctx: EvalCtx): unknown;
  many(ctx: EvalCtx): unknown[];
  /** Positions read, relative ones unresolved (joined to the caller's base). */
  readonly sources: readonly MappedSource[];
}

/**
 * Builds an object (undefined when nothing is set). With `into`, the keys are written into that
 * object (after the keys it holds), which is then returned when anything was set: a resource
 * is built in place after its `resourceType` and `id` instead of being copied.
 */
export type CompiledObject = ((ctx: EvalCtx, into?: Record<string, unknown>) => Record<string, unknown> | undefined) & {
  readonly sources: readonly MappedSource[];
};

/** Computes a deterministic id, or undefined when no alternative has all its parts. */
export type CompiledId = ((ctx: EvalCtx, type: string) => string | undefined) & {
  /** True when the id reads only the current value and MSH: within a message, equal values give equal ids. */
  readonly valueOnly: boolean;
};

export interface CompiledSegmentMap {
  readonly name: string;
  readonly segment: string;
  readonly kind: 'resource' | 'extends' | 'patch';
  readonly type: string;
  /** Scope key other maps use in `ref:` (the type unless `alias:` is set). */
  readonly alias: string;
  readonly id: CompiledId | undefined;
  readonly fields: CompiledObject;
  /** Keys the resource must have to be made at all (else references to it are left out). */
  readonly requires: readonly string[];
  /** True when no field is named `resourceType` or `id`: the body can be built inside the resource. */
  readonly inPlace: boolean;
}

export interface RequiredRule {
  readonly segment: string;
  readonly field: number | undefined;
  /** A named transform the field's value must pass (else HL7_BAD_VALUE), e.g. `dateTime`. */
  readonly valid: ((value: string) => boolean) | undefined;
}

export interface CompiledMessageMap {
  readonly name: string;
  readonly events: readonly string[];
  readonly structures: readonly string[];
  readonly required: readonly RequiredRule[];
  readonly groups: readonly GroupDef[];
  readonly segments: ReadonlyMap<string, readonly CompiledSegmentMap[]>;
}

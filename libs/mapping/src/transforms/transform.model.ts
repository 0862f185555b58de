import type { Hl7Repetition } from '@hie/hl7v2';

/** What a named transform may use: deployment options, code tables, datatype maps, warnings. */
export interface TransformContext {
  /** Zone for v2 times sent without one (see ConvertOptions.timezone). */
  readonly timezone: string | undefined;
  /** Looks a code up in a code table; undefined when the table has no entry (and no default). */
  lookup(table: string, code: string): { code: string; display?: string; system?: string } | undefined;
  /** Runs a datatype map (by name) on a value, e.g. `cwe.codeable-concept`. */
  datatype(name: string, value: Hl7Repetition, argIndex: number): unknown;
  /** Records that a value was dropped: PHI-free reason; `argIndex` picks the position for `fn` transforms. */
  warn(reason: string, argIndex?: number): void;
}

/** A one-input transform (`transform:` in a map): string in, JSON out, undefined = nothing. */
export type ValueTransform = (value: string, t: TransformContext) => unknown;

/** A several-input transform (`fn:`): every repetition of each arg position, in order. */
export type MultiTransform = (args: readonly (readonly Hl7Repetition[])[], t: TransformContext) => unknown;

/** Named transforms, referred to by name from mapping files. */
export interface TransformRegistry {
  readonly value: Readonly<Record<string, ValueTransform>>;
  readonly multi: Readonly<Record<string, MultiTransform>>;
  /** Names of code tables a transform relies on (checked at load). */
  readonly tablesUsed: readonly string[];
  /** Datatype maps a transform relies on (checked at load). */
  readonly datatypesUsed: readonly string[];
}

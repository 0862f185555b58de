import { MappingError } from '../mapping.errors.js';
import type { MappedSource } from '../mapping-set.model.js';
import type { TransformRegistry } from '../transforms/index.js';
import type { CodeTable } from './code-table.js';
import type { EvalCtx } from './compiled.model.js';

/** What the value compiler needs from the loader: names it can check and resolve. */
export interface CompileEnv {
  readonly file: string;
  readonly transforms: TransformRegistry;
  readonly tables: ReadonlyMap<string, CodeTable>;
  /** Whether a datatype map of that name exists (its closure is looked up at run time). */
  hasDatatype(name: string): boolean;
  /** A datatype map's evaluator (compiled on first request). */
  datatypeEvaluator(name: string): (ctx: EvalCtx) => unknown;
  /** Static sources a datatype map reads (relative to its value). */
  datatypeSources(name: string): readonly MappedSource[];
}

export { isRecord } from '../strict-yaml.reader.js';

/** Throws the loader's error for a key of the file being compiled. */
export function fail(env: CompileEnv, key: string, reason: string): never {
  throw new MappingError(env.file, key, reason);
}

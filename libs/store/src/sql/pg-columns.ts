/** Record separator: JSON.stringify escapes every control character, so it never occurs in content. */
const SEP = '\u001e';

/** A column of values bound as one PostgreSQL parameter, for `unnest(...)`. */
export interface PgColumn {
  /** SQL expression yielding the array, e.g. `string_to_array($3::text, E'\x1e')::int[]`. */
  sql: string;
  param: string | unknown[];
}

/**
 * Binds a column of a multi-row write. node-postgres escapes array literals element by element
 * with regular expressions, which for a batch of resource JSON costs several times the INSERT
 * itself; one separator-joined string split by `string_to_array` is parsed in C. Falls back to a
 * plain array when a value contains the separator, when a value is null, or for a single element
 * (an empty string alone would split into no elements).
 */
export function pgColumn(values: readonly (string | number | boolean | null)[], index: number, type: 'text' | 'int' | 'uuid' | 'bool'): PgColumn {
  const strings = values.map((v) => (v === null ? null : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v)));
  const packable = strings.length > 1 && strings.every((s) => s !== null && !s.includes(SEP));
  if (!packable) return { sql: `$${index}::${type}[]`, param: [...values] };
  const split = `string_to_array($${index}::text, E'\\x1e')`;
  return { sql: type === 'text' ? split : `${split}::${type}[]`, param: strings.join(SEP) };
}

/** Binds several columns from parameter `firstIndex` on: their SQL expressions and params. */
export function pgColumns(
  columns: readonly [readonly (string | number | boolean | null)[], 'text' | 'int' | 'uuid' | 'bool'][],
  firstIndex = 1,
): { sql: string[]; params: (string | unknown[])[] } {
  const bound = columns.map(([values, type], i) => pgColumn(values, firstIndex + i, type));
  return { sql: bound.map((c) => c.sql), params: bound.map((c) => c.param) };
}

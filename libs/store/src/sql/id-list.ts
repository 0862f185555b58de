import type { SqlRunner } from './sql-runner.js';

/**
 * `column IN <list>` with the whole list bound as ONE parameter, so a list of any length is one
 * statement: `= ANY(?::<type>[])` on PostgreSQL, `IN (SELECT value FROM json_each(?))` on SQLite.
 */
export function inList(sql: SqlRunner, column: string, values: readonly string[], pgType: 'uuid' | 'text'): { clause: string; param: unknown } {
  return sql.dialect === 'postgres'
    ? { clause: `${column} = ANY(?::${pgType}[])`, param: [...values] }
    : { clause: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(values) };
}

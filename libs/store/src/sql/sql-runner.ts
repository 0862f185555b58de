import type { DataSource } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { HieError } from '@hie/common';
import { SqliteHandle } from './sqlite-handle.js';

/** Which SQL the repositories speak. */
export type Dialect = 'postgres' | 'sqlite';

/** A PostgreSQL connection inside a transaction. */
export type PgClient = Pick<PoolClient, 'query'>;

/**
 * Dialect-neutral access for the simple statements (reads, single updates): SQL is written
 * with `?` placeholders, renumbered to `$n` for PostgreSQL. Hot paths use the dialect's own
 * handle (`pg` pool or better-sqlite3) directly.
 */
export class SqlRunner {
  private constructor(
    readonly dialect: Dialect,
    private readonly pool: Pool | undefined,
    private readonly sqliteHandle: SqliteHandle | undefined,
  ) {}

  static from(dataSource: DataSource): SqlRunner {
    const type = dataSource.options.type;
    if (type === 'postgres') {
      const pool: unknown = (dataSource.driver as { master?: unknown }).master;
      if (typeof (pool as { connect?: unknown } | undefined)?.connect !== 'function') {
        throw new HieError('STORE_NOT_INITIALISED', 'PostgreSQL data source is not initialised');
      }
      return new SqlRunner('postgres', pool as Pool, undefined);
    }
    if (type === 'better-sqlite3') return new SqlRunner('sqlite', undefined, SqliteHandle.from(dataSource));
    throw new HieError('STORE_UNSUPPORTED_DRIVER', 'The store supports PostgreSQL and better-sqlite3 only', { type });
  }

  get sqlite(): SqliteHandle {
    if (!this.sqliteHandle) throw new HieError('STORE_WRONG_DIALECT', 'Not a SQLite store');
    return this.sqliteHandle;
  }

  get pg(): Pool {
    if (!this.pool) throw new HieError('STORE_WRONG_DIALECT', 'Not a PostgreSQL store');
    return this.pool;
  }

  /** Rows of a read. */
  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (this.pool) return (await this.pool.query(toPg(sql), [...params])).rows as T[];
    return this.sqlite.stmt(sql).all(...params) as T[];
  }

  /** Rows changed by a write. */
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    if (this.pool) return (await this.pool.query(toPg(sql), [...params])).rowCount ?? 0;
    return this.sqlite.stmt(sql).run(...params).changes;
  }

  /** A date as this dialect binds it. */
  date(value: Date): Date | string {
    return this.pool ? value : sqliteDate(value);
  }

  /** `?, ?, ?` for an IN list of n values. */
  static placeholders(n: number): string {
    return Array.from({ length: n }, () => '?').join(', ');
  }

  /**
   * Runs `fn` in one PostgreSQL transaction on one pooled connection. `synchronousCommit:
   * false` (SET LOCAL, sent with BEGIN in one round trip): COMMIT does not wait for the WAL
   * flush; a server crash may lose the last few hundred ms of such transactions, whole.
   */
  async pgTransaction<R>(fn: (client: PgClient) => Promise<R>, options: { synchronousCommit?: boolean } = {}): Promise<R> {
    const client = await this.pg.connect();
    try {
      await client.query(options.synchronousCommit === false ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** TypeORM's SQLite `datetime` text: UTC `YYYY-MM-DD HH:MM:SS.SSS`, which sorts as text. */
export function sqliteDate(value: Date): string {
  return value.toISOString().replace('T', ' ').slice(0, 23);
}

/** A date column as either driver returns it. */
export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
  if (typeof value === 'number') return new Date(value);
  throw new HieError('STORE_BAD_ROW', 'Unexpected date value in the store');
}

function toPg(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

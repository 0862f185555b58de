import type { DataSource } from 'typeorm';
import { HieError } from '@hie/common';

/** The part of a better-sqlite3 statement the store uses. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

/** The part of a better-sqlite3 database the store uses (the package ships no types here). */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { immediate(...args: A): R };
}

function isSqliteDatabase(value: unknown): value is SqliteDatabase {
  const v = value as { prepare?: unknown; transaction?: unknown } | null;
  return typeof v?.prepare === 'function' && typeof v.transaction === 'function';
}

/**
 * The raw better-sqlite3 connection behind TypeORM's driver. Store writes run on it
 * synchronously inside one `BEGIN IMMEDIATE` transaction: nothing else in the process can
 * interleave, and prepared statements make per-row inserts as cheap as multi-row ones.
 */
export class SqliteHandle {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(readonly db: SqliteDatabase) {}

  static from(dataSource: DataSource): SqliteHandle {
    const connection: unknown = (dataSource.driver as { databaseConnection?: unknown }).databaseConnection;
    if (!isSqliteDatabase(connection)) {
      throw new HieError('STORE_NOT_INITIALISED', 'SQLite data source is not initialised');
    }
    return new SqliteHandle(connection);
  }

  /** A cached prepared statement. */
  stmt(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in one immediate (write-locking) transaction; rolls back if it throws. */
  transaction<R>(fn: () => R): R {
    return this.db.transaction(fn).immediate();
  }
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import pg from 'pg';
import type { HieConfig } from '@hie/config';
import { HieError } from '@hie/common';
import { STORE_ENTITIES } from './entities/index.js';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations/index.js';

/**
 * Opens the database from config and runs pending migrations (`synchronize` stays off).
 * PostgreSQL: creates the configured schema if missing and makes it the connections'
 * search_path. SQLite: creates the parent directory, WAL mode, synchronous=NORMAL.
 */
export async function openDatabase(config: HieConfig['database']): Promise<DataSource> {
  const dataSource = config.kind === 'postgres' ? await postgresDataSource(config) : sqliteDataSource(config.file);
  try {
    await dataSource.initialize();
    if (config.kind === 'postgres') await migrateUnderLock(dataSource);
  } catch (error) {
    const failure = new HieError('STORE_OPEN_FAILED', 'Could not open the database or run its migrations', {
      kind: config.kind,
      reason: error instanceof Error ? error.message : String(error),
    });
    failure.cause = error;
    throw failure;
  }
  return dataSource;
}

function sqliteDataSource(file: string): DataSource {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: file,
    enableWAL: true,
    timeout: 10_000,
    // WAL + NORMAL: a commit survives a process crash (what an ACK promises) at a fraction of FULL's fsyncs.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
    },
    entities: STORE_ENTITIES,
    migrations: SQLITE_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  });
}

async function postgresDataSource(config: { url: string; schema?: string }): Promise<DataSource> {
  const schema = config.schema;
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new HieError('CONFIG_INVALID', 'The database schema must be a lower-case SQL identifier');
    }
    const client = new pg.Client({ connectionString: config.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  return new DataSource({
    type: 'postgres',
    url: config.url,
    schema,
    // Unqualified table names in the store's SQL resolve to the configured schema.
    extra: { max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) },
    entities: STORE_ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    // Run after initialize, under an advisory lock: see migrateUnderLock.
    migrationsRun: false,
    synchronize: false,
    logging: false,
  });
}

/** Any fixed number: the key of the advisory lock that serialises migration runs. */
const MIGRATION_LOCK_KEY = 0x4849_4531;

/**
 * Intake and worker processes may boot at the same instant on a fresh database: without a
 * lock both would run the same migrations and one would fail on "already exists". The
 * second waits for the first, then finds nothing pending.
 */
async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

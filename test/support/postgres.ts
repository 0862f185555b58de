import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use; override with TEST_POSTGRES_URL (a URL whose database is `postgres`). */
const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway database for one test run. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /** Drops it, closing any connections still open (`WITH (FORCE)`). */
  drop(): Promise<void>;
}

/** Creates `hie_test_<random>` on the local PostgreSQL; call `drop()` in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hie_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

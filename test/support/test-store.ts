import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@hie/store';
import type { DataSource } from '@hie/store';
import { createTestDatabase } from './postgres.js';

/** The database drivers every store suite runs against. */
export const STORE_DRIVERS = ['sqlite', 'postgres'] as const;
export type StoreDriver = (typeof STORE_DRIVERS)[number];

/** An opened, migrated store on a throwaway database. */
export interface TestStore {
  dataSource: DataSource;
  /** Closes the data source and drops the database / deletes the SQLite directory. */
  close(): Promise<void>;
}

/**
 * Opens a fresh store. SQLite: a file in a new temp directory (in a subdirectory that does not
 * exist yet, so openDatabase must create it). PostgreSQL: a new database, optionally in a schema.
 */
export async function openTestStore(driver: StoreDriver, options: { schema?: string } = {}): Promise<TestStore> {
  if (driver === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'hie-store-'));
    let dataSource: DataSource;
    try {
      dataSource = await openDatabase({ kind: 'sqlite', file: join(dir, 'nested', 'hie.sqlite') });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      dataSource,
      close: async () => {
        await dataSource.destroy();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await createTestDatabase();
  let dataSource: DataSource;
  try {
    dataSource = await openDatabase({ kind: 'postgres', url: db.url, ...(options.schema ? { schema: options.schema } : {}) });
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

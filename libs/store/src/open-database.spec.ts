import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';
import { openDatabase } from './open-database.js';

describe('openDatabase on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('lets several processes boot at once on a fresh database: one migrates, the others wait', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: db.url })));
    try {
      const rows = await opened[0]!.query('SELECT count(*)::int AS n FROM migrations');
      const tables = await opened[0]!.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('message', 'fhir_resource', 'fhir_resource_history')",
      );
      expect(tables[0].n).toBe(3);
      // Each migration recorded once, however many processes raced to run it.
      expect(rows[0].n).toBeGreaterThan(0);
      const distinct = await opened[0]!.query('SELECT count(DISTINCT name)::int AS n FROM migrations');
      expect(distinct[0].n).toBe(rows[0].n);
    } finally {
      await Promise.all(opened.map((ds) => ds.destroy()));
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../../../../test/support/postgres.js';
import type { TestDatabase } from '../../../../test/support/postgres.js';
import { pgColumns } from './pg-columns.js';

describe('pgColumns on real PostgreSQL', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function roundTrip(columns: Parameters<typeof pgColumns>[0]): Promise<unknown[][]> {
    const c = pgColumns(columns);
    const names = columns.map((_, i) => `c${i}`);
    const result = await client.query(`SELECT * FROM unnest(${c.sql.join(', ')}) AS t(${names.join(', ')})`, c.params);
    return result.rows.map((row: Record<string, unknown>) => names.map((n) => row[n]));
  }

  it('round-trips text with quotes, backslashes, commas, braces, unicode and empty strings', async () => {
    const text = ['{"a":"b\\\\c"}', '', 'x,y', '{}', 'NULL', 'é中', ' '];
    const ints = text.map((_, i) => i * 1000);
    const bools = text.map((_, i) => i % 2 === 0);
    expect(await roundTrip([[text, 'text'], [ints, 'int'], [bools, 'bool']])).toEqual(text.map((t, i) => [t, ints[i], bools[i]]));
  });

  it('falls back to a plain array for one element, nulls, or a value holding the separator', async () => {
    expect(await roundTrip([[[''], 'text']])).toEqual([['']]);
    expect(await roundTrip([[['a', null], 'text']])).toEqual([['a'], [null]]);
    expect(await roundTrip([[['a\u001eb', 'c'], 'text']])).toEqual([['a\u001eb'], ['c']]);
    const uuid = '0190b5b2-0000-7000-8000-000000000001';
    expect(await roundTrip([[[uuid, uuid], 'uuid']])).toEqual([[uuid], [uuid]]);
  });
});

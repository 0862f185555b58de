import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL schema, version 1. Tables are unqualified: `openDatabase` sets search_path to
 * the configured schema. Content is `text`, not jsonb: it is written and served whole, and
 * skipping jsonb's parse keeps the 10–20 resource writes per message cheap. Key columns use
 * the "C" collation: byte order is all ids need, and it keeps btree comparisons cheap
 * whatever the database's locale.
 */
export class InitialSchemaPostgres1764000000000 implements MigrationInterface {
  readonly name = 'InitialSchemaPostgres1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE message (
      id uuid PRIMARY KEY,
      received_at timestamptz NOT NULL,
      channel varchar(16) NOT NULL,
      format varchar(16) NOT NULL,
      raw bytea NOT NULL,
      size_bytes integer NOT NULL,
      control_id text,
      message_type text,
      sending_facility text,
      status varchar(16) NOT NULL,
      outcome text,
      attempts integer NOT NULL DEFAULT 0,
      resource_count integer NOT NULL DEFAULT 0,
      processed_at timestamptz,
      updated_at timestamptz NOT NULL
    )`);
    // Raw messages are written once and rarely read: keep them out of the row's main page.
    await q.query(`ALTER TABLE message ALTER COLUMN raw SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX message_status_received_at_idx ON message (status, received_at)`);
    await q.query(`CREATE TABLE fhir_resource (
      type text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version_id integer NOT NULL,
      last_updated timestamptz NOT NULL,
      content text NOT NULL,
      message_id uuid,
      PRIMARY KEY (type, id)
    )`);
    await q.query(`CREATE TABLE fhir_resource_history (
      type text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version_id integer NOT NULL,
      last_updated timestamptz NOT NULL,
      content text NOT NULL,
      message_id uuid,
      PRIMARY KEY (type, id, version_id)
    )`);
    await q.query(`CREATE INDEX fhir_resource_history_message_id_idx ON fhir_resource_history (message_id)`);
    await q.query(`CREATE TABLE fhir_search_token (
      type text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      param text COLLATE "C" NOT NULL,
      system text COLLATE "C" NOT NULL,
      value text COLLATE "C" NOT NULL,
      PRIMARY KEY (type, id, param, system, value)
    )`);
    await q.query(`CREATE INDEX fhir_search_token_lookup_idx ON fhir_search_token (type, param, value, system)`);
    await q.query(`CREATE TABLE fhir_search_reference (
      type text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      param text COLLATE "C" NOT NULL,
      target_type text COLLATE "C" NOT NULL,
      target_id text COLLATE "C" NOT NULL,
      PRIMARY KEY (type, id, param, target_type, target_id)
    )`);
    await q.query(
      `CREATE INDEX fhir_search_reference_lookup_idx ON fhir_search_reference (type, param, target_type, target_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['fhir_search_reference', 'fhir_search_token', 'fhir_resource_history', 'fhir_resource', 'message']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

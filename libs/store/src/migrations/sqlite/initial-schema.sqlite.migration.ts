import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite schema, version 1. Dates are TypeORM's `datetime` text (UTC
 * `YYYY-MM-DD HH:MM:SS.SSS`), which sorts and compares as text. Only the narrow index tables
 * are WITHOUT ROWID: resource rows are kilobytes, which rowid tables store better.
 */
export class InitialSchemaSqlite1764000000000 implements MigrationInterface {
  readonly name = 'InitialSchemaSqlite1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE message (
      id varchar(36) PRIMARY KEY NOT NULL,
      received_at datetime NOT NULL,
      channel varchar(16) NOT NULL,
      format varchar(16) NOT NULL,
      raw blob NOT NULL,
      size_bytes integer NOT NULL,
      control_id text,
      message_type text,
      sending_facility text,
      status varchar(16) NOT NULL,
      outcome text,
      attempts integer NOT NULL DEFAULT 0,
      resource_count integer NOT NULL DEFAULT 0,
      processed_at datetime,
      updated_at datetime NOT NULL
    )`);
    await q.query(`CREATE INDEX message_status_received_at_idx ON message (status, received_at)`);
    await q.query(`CREATE TABLE fhir_resource (
      type varchar(64) NOT NULL,
      id varchar(64) NOT NULL,
      version_id integer NOT NULL,
      last_updated datetime NOT NULL,
      content text NOT NULL,
      message_id varchar(36),
      PRIMARY KEY (type, id)
    )`);
    await q.query(`CREATE TABLE fhir_resource_history (
      type varchar(64) NOT NULL,
      id varchar(64) NOT NULL,
      version_id integer NOT NULL,
      last_updated datetime NOT NULL,
      content text NOT NULL,
      message_id varchar(36),
      PRIMARY KEY (type, id, version_id)
    )`);
    await q.query(`CREATE INDEX fhir_resource_history_message_id_idx ON fhir_resource_history (message_id)`);
    await q.query(`CREATE TABLE fhir_search_token (
      type varchar(64) NOT NULL,
      id varchar(64) NOT NULL,
      param varchar(64) NOT NULL,
      system text NOT NULL,
      value text NOT NULL,
      PRIMARY KEY (type, id, param, system, value)
    ) WITHOUT ROWID`);
    await q.query(`CREATE INDEX fhir_search_token_lookup_idx ON fhir_search_token (type, param, value, system)`);
    await q.query(`CREATE TABLE fhir_search_reference (
      type varchar(64) NOT NULL,
      id varchar(64) NOT NULL,
      param varchar(64) NOT NULL,
      target_type varchar(64) NOT NULL,
      target_id varchar(64) NOT NULL,
      PRIMARY KEY (type, id, param, target_type, target_id)
    ) WITHOUT ROWID`);
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

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL schema, version 2: protect & anchor (data keys, protected records, anchor
 * batches, the embedded ledger's entries, erasures) and `message.erased_at`. Key columns use
 * the "C" collation, as in version 1, so joins with fhir_resource_history compare bytes and
 * prefix scans on ledger keys can use the btree.
 */
export class ProtectAnchorPostgres1765000000000 implements MigrationInterface {
  readonly name = 'ProtectAnchorPostgres1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE message ADD COLUMN erased_at timestamptz`);
    await q.query(`CREATE TABLE data_key (
      id uuid PRIMARY KEY,
      subject_key varchar(64) COLLATE "C" NOT NULL,
      kek_id varchar(64) COLLATE "C" NOT NULL,
      wrapped_key bytea,
      created_at timestamptz NOT NULL,
      destroyed_at timestamptz
    )`);
    // One active key per subject: concurrent creators meet here (insertIfAbsent).
    await q.query(`CREATE UNIQUE INDEX data_key_active_subject_idx ON data_key (subject_key) WHERE destroyed_at IS NULL`);
    // KEK rotation scans active keys by KEK (see DataKeyRepository.listNotUnderKek).
    await q.query(`CREATE INDEX data_key_active_kek_idx ON data_key (kek_id) WHERE destroyed_at IS NULL`);
    await q.query(`CREATE TABLE protected_record (
      type text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version_id integer NOT NULL,
      message_id uuid NOT NULL,
      subject_key varchar(64) COLLATE "C" NOT NULL,
      data_key_id uuid NOT NULL,
      cid varchar(128) COLLATE "C" NOT NULL,
      content_hash char(64) NOT NULL,
      keyed_hash char(64) NOT NULL,
      size_bytes integer NOT NULL,
      content_offset integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      batch_id uuid,
      leaf_index integer,
      proof bytea,
      PRIMARY KEY (type, id, version_id)
    )`);
    await q.query(`CREATE INDEX protected_record_message_id_idx ON protected_record (message_id)`);
    await q.query(`CREATE INDEX protected_record_subject_key_idx ON protected_record (subject_key)`);
    // The batcher's scan, in its order: only unbatched rows, so it stays as small as the backlog.
    await q.query(
      `CREATE INDEX protected_record_unbatched_idx ON protected_record (created_at, type, id, version_id) WHERE batch_id IS NULL`,
    );
    await q.query(`CREATE INDEX protected_record_batch_id_idx ON protected_record (batch_id)`);
    await q.query(`CREATE TABLE anchor_batch (
      id uuid PRIMARY KEY,
      root char(64) NOT NULL,
      leaf_count integer NOT NULL,
      status varchar(16) NOT NULL,
      ledger varchar(16) NOT NULL,
      tx_hash varchar(80),
      block_number bigint,
      created_at timestamptz NOT NULL,
      anchored_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error varchar(64)
    )`);
    await q.query(`CREATE INDEX anchor_batch_status_created_at_idx ON anchor_batch (status, created_at)`);
    // The newest batch (claimBatch's minimum interval), whatever its status.
    await q.query(`CREATE INDEX anchor_batch_created_at_idx ON anchor_batch (created_at)`);
    await q.query(`CREATE TABLE ledger_entry (
      seq bigint PRIMARY KEY,
      kind varchar(16) COLLATE "C" NOT NULL,
      entry_key varchar(80) COLLATE "C" NOT NULL,
      payload text NOT NULL,
      prev_hash char(64) NOT NULL,
      entry_hash char(64) NOT NULL,
      signature text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX ledger_entry_kind_key_idx ON ledger_entry (kind, entry_key)`);
    await q.query(`CREATE TABLE erasure (
      id uuid PRIMARY KEY,
      subject_key varchar(64) COLLATE "C" NOT NULL,
      erased_at timestamptz NOT NULL,
      data_keys_destroyed integer NOT NULL,
      resources_deleted integer NOT NULL,
      contents_unpinned integer NOT NULL,
      messages_redacted integer NOT NULL,
      ledger_tx varchar(80)
    )`);
    await q.query(`CREATE INDEX erasure_subject_key_idx ON erasure (subject_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['erasure', 'ledger_entry', 'anchor_batch', 'protected_record', 'data_key']) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`ALTER TABLE message DROP COLUMN erased_at`);
  }
}

import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import type { EraseSubjectInput, EraseSubjectResult, ErasureRow } from './erasure.model.js';
import { PATIENT_REFERENCE_ELEMENTS } from './fhir-store/search-params.table.js';
import { isUuid } from './sql/batching.js';
import { pgColumns } from './sql/pg-columns.js';
import { SqlRunner, readDate, sqliteDate } from './sql/sql-runner.js';
import type { PgClient } from './sql/sql-runner.js';

/**
 * The types whose `patient` reference is indexed. Lookups name them so they run on the
 * (type, param, target_type, target_id) index instead of scanning the whole reference table.
 */
const REFERENCING_TYPES = Object.keys(PATIENT_REFERENCE_ELEMENTS).sort();

interface ErasureDbRow {
  id: string;
  subject_key: string;
  erased_at: unknown;
  data_keys_destroyed: number | string;
  resources_deleted: number | string;
  contents_unpinned: number | string;
  messages_redacted: number | string;
  ledger_tx: string | null;
}

const COLUMNS = 'id, subject_key, erased_at, data_keys_destroyed, resources_deleted, contents_unpinned, messages_redacted, ledger_tx';

type Key = { type: string; id: string };

/**
 * Patient erasure in the database: deletes the patient's resources (current rows, history,
 * index) and redacts the raw messages that wrote them. Protected records stay: they hold only
 * keyed hashes and CIDs, and verification must still find them (and report the data key
 * destroyed).
 */
export class ErasureRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /**
   * One transaction. The resources erased are Patient/<patientId>, every resource with a
   * protected record of the subject, and every resource whose `patient` search index points at
   * Patient/<patientId>. Their current rows, history and index rows are deleted; every message
   * that wrote one of their versions (or a protected record of the subject) gets raw := empty
   * and erased_at := at; the patient's DICOM index rows (`dicom_instance`) are deleted. Returns
   * the counts and the subject's CIDs (to unpin). Repeating it deletes and redacts nothing more.
   */
  async eraseSubject(input: EraseSubjectInput): Promise<EraseSubjectResult> {
    if (input.subjectKey.length === 0 || input.subjectKey.length > 64) throw new InvalidInputError('STORE_BAD_ERASURE', 'Invalid subject key');
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(input.patientId)) throw new InvalidInputError('STORE_BAD_ERASURE', 'Invalid patient id');
    return this.sql.dialect === 'postgres' ? this.eraseOnPostgres(input) : this.eraseOnSqlite(input);
  }

  private eraseOnSqlite(input: EraseSubjectInput): EraseSubjectResult {
    const db = this.sql.sqlite;
    const at = sqliteDate(input.at);
    return db.transaction(() => {
      const keys = db.stmt(
        `SELECT 'Patient' AS type, ? AS id
         UNION SELECT type, id FROM protected_record WHERE subject_key = ?
         UNION SELECT type, id FROM fhir_search_reference
           WHERE type IN (SELECT value FROM json_each(?)) AND param = 'patient' AND target_type = 'Patient' AND target_id = ?`,
      ).all(input.patientId, input.subjectKey, JSON.stringify(REFERENCING_TYPES), input.patientId) as Key[];
      const messageIds = new Set<string>();
      const writers = db.stmt(`SELECT DISTINCT message_id FROM fhir_resource_history WHERE type = ? AND id = ? AND message_id IS NOT NULL`);
      for (const k of keys) for (const row of writers.all(k.type, k.id) as { message_id: string }[]) messageIds.add(row.message_id);
      const recordMessages = db.stmt(`SELECT DISTINCT message_id FROM protected_record WHERE subject_key = ?`).all(input.subjectKey) as { message_id: string }[];
      for (const row of recordMessages) messageIds.add(row.message_id);
      let resourcesDeleted = 0;
      const deletes = ['fhir_resource', 'fhir_resource_history', 'fhir_search_token', 'fhir_search_reference'].map((table) =>
        db.stmt(`DELETE FROM ${table} WHERE type = ? AND id = ?`),
      );
      for (const k of keys) {
        resourcesDeleted += deletes[0]!.run(k.type, k.id).changes;
        for (const statement of deletes.slice(1)) statement.run(k.type, k.id);
      }
      const redact = db.stmt(`UPDATE message SET raw = x'', erased_at = ?, updated_at = ? WHERE id = ? AND erased_at IS NULL`);
      let messagesRedacted = 0;
      for (const id of messageIds) messagesRedacted += redact.run(at, at, id).changes;
      const cids = (db.stmt(`SELECT DISTINCT cid FROM protected_record WHERE subject_key = ? ORDER BY cid`).all(input.subjectKey) as { cid: string }[]).map((r) => r.cid);
      // The DICOM index rows carry the patient's header values (PHI); their objects are sealed under the destroyed key.
      const dicomInstancesDeleted = db.stmt(`DELETE FROM dicom_instance WHERE patient_resource_id = ?`).run(input.patientId).changes;
      return { resourcesDeleted, messagesRedacted, cids, dicomInstancesDeleted };
    });
  }

  private eraseOnPostgres(input: EraseSubjectInput): Promise<EraseSubjectResult> {
    return this.sql.pgTransaction(async (client: PgClient) => {
      const keys = (
        await client.query<Key>(
          `SELECT 'Patient'::text AS type, $1::text AS id
           UNION SELECT type, id FROM protected_record WHERE subject_key = $2
           UNION SELECT type, id FROM fhir_search_reference
             WHERE type = ANY($3::text[]) AND param = 'patient' AND target_type = 'Patient' AND target_id = $1
           ORDER BY type, id`,
          [input.patientId, input.subjectKey, REFERENCING_TYPES],
        )
      ).rows;
      const k = pgColumns([[keys.map((x) => x.type), 'text'], [keys.map((x) => x.id), 'text']]);
      const targets = `unnest(${k.sql.join(', ')}) AS k(type, id)`;
      // Current rows are locked (key order) before anything is read from them, so a concurrent
      // conversion of the same resources finishes first or waits for the erasure.
      const deleted = await client.query(
        `DELETE FROM fhir_resource r USING (SELECT r2.type, r2.id FROM fhir_resource r2 JOIN ${targets} ON r2.type = k.type AND r2.id = k.id
           ORDER BY r2.type, r2.id FOR UPDATE OF r2) d
         WHERE r.type = d.type AND r.id = d.id`,
        k.params,
      );
      const writers = await client.query<{ message_id: string }>(
        `DELETE FROM fhir_resource_history h USING ${targets} WHERE h.type = k.type AND h.id = k.id RETURNING h.message_id`,
        k.params,
      );
      await client.query(`DELETE FROM fhir_search_token t USING ${targets} WHERE t.type = k.type AND t.id = k.id`, k.params);
      await client.query(`DELETE FROM fhir_search_reference t USING ${targets} WHERE t.type = k.type AND t.id = k.id`, k.params);
      const recordMessages = await client.query<{ message_id: string }>(
        `SELECT DISTINCT message_id FROM protected_record WHERE subject_key = $1`,
        [input.subjectKey],
      );
      const messageIds = [...new Set([...writers.rows, ...recordMessages.rows].map((r) => r.message_id).filter((id) => id !== null && isUuid(id)))].sort();
      const redacted = await client.query(
        `UPDATE message SET raw = '\\x'::bytea, erased_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[]) AND erased_at IS NULL`,
        [messageIds, input.at],
      );
      const cids = await client.query<{ cid: string }>(`SELECT DISTINCT cid FROM protected_record WHERE subject_key = $1 ORDER BY cid`, [input.subjectKey]);
      // The DICOM index rows carry the patient's header values (PHI); their objects are sealed under the destroyed key.
      const dicom = await client.query(`DELETE FROM dicom_instance WHERE patient_resource_id = $1`, [input.patientId]);
      return {
        resourcesDeleted: deleted.rowCount ?? 0, messagesRedacted: redacted.rowCount ?? 0, cids: cids.rows.map((r) => r.cid),
        dicomInstancesDeleted: dicom.rowCount ?? 0,
      };
    });
  }

  /** Records an erasure (what it did, in counts). */
  async recordErasure(row: ErasureRow): Promise<void> {
    if (!isUuid(row.id)) throw new InvalidInputError('STORE_BAD_ERASURE', 'An erasure id must be a uuid');
    await this.sql.run(
      `INSERT INTO erasure (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id, row.subjectKey, this.sql.date(row.erasedAt), row.dataKeysDestroyed, row.resourcesDeleted, row.contentsUnpinned,
        row.messagesRedacted, row.ledgerTx ?? null,
      ],
    );
  }

  /** The subject's erasures, oldest first. */
  async findErasures(subjectKey: string): Promise<ErasureRow[]> {
    const rows = await this.sql.all<ErasureDbRow>(`SELECT ${COLUMNS} FROM erasure WHERE subject_key = ? ORDER BY erased_at, id`, [subjectKey]);
    return rows.map((r) => {
      const erasure: ErasureRow = {
        id: r.id,
        subjectKey: r.subject_key,
        erasedAt: readDate(r.erased_at),
        dataKeysDestroyed: Number(r.data_keys_destroyed),
        resourcesDeleted: Number(r.resources_deleted),
        contentsUnpinned: Number(r.contents_unpinned),
        messagesRedacted: Number(r.messages_redacted),
      };
      if (r.ledger_tx !== null) erasure.ledgerTx = r.ledger_tx;
      return erasure;
    });
  }
}

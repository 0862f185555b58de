import type { PoolClient } from 'pg';
import type { NewMessage } from '../message.model.js';
import type { NewProtectedRecord } from '../protect/protection.model.js';
import { SqlRunner, sqliteDate } from '../sql/sql-runner.js';
import { uidLockKey } from './uid-lock-key.js';
import type { DicomCommitResult, DicomInstanceCommit } from './dicom-instance.model.js';
import { DICOM_INSTANCE_COLUMNS, instanceParams } from './dicom-instance.row-mapper.js';

/**
 * The one transaction of a DICOM intake, per dialect: under a per-SOP-Instance-UID lock, check
 * the newest version (same content hash: duplicate; a version taken meanwhile: retry), then
 * write the message, the index row (insert or point it at the new version) and the protected
 * record the anchor batcher picks up.
 */

/** advisory-lock class of DICOM commits (the two-int lock space, apart from the batch claim's one-bigint lock). */
const DICOM_LOCK_CLASS = 0x4443_4d31;


const MESSAGE_COLUMNS =
  'id, received_at, channel, format, raw, size_bytes, control_id, message_type, sending_facility, status, outcome, attempts, resource_count, updated_at';
const RECORD_COLUMNS =
  'type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, content_offset, created_at';
const UPSERT_SET = DICOM_INSTANCE_COLUMNS.filter((c) => c !== 'sop_instance_uid').map((c) => `${c} = excluded.${c}`).join(', ');

function messageParams(m: NewMessage, date: (d: Date) => unknown, now: unknown): unknown[] {
  return [
    m.id, date(m.receivedAt), m.channel, m.format, m.raw, m.sizeBytes, m.controlId ?? null, m.messageType ?? null,
    m.sendingFacility ?? null, m.status, m.outcome ? JSON.stringify(m.outcome) : null, 0, 0, now,
  ];
}

/** Replaces a failed DICOM message by the accepted one it turned into on reprocess. */
const REPLACE_FAILED = `UPDATE message SET channel = ?, raw = ?, size_bytes = ?, control_id = ?, message_type = ?, sending_facility = ?,
  status = 'received', outcome = NULL, updated_at = ? WHERE id = ? AND format = 'dicom' AND status = 'failed' AND erased_at IS NULL`;

function replaceParams(m: NewMessage, now: unknown): unknown[] {
  return [m.channel, m.raw, m.sizeBytes, m.controlId ?? null, m.messageType ?? null, m.sendingFacility ?? null, now, m.id];
}

function recordParams(r: NewProtectedRecord, now: unknown): unknown[] {
  return [r.type, r.id, r.versionId, r.messageId, r.subjectKey, r.dataKeyId, r.cid, r.contentHash, r.keyedHash, r.sizeBytes, r.contentOffset, now];
}

function toPg(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const INSERT_INSTANCE = `INSERT INTO dicom_instance (${DICOM_INSTANCE_COLUMNS.join(', ')}) VALUES (${SqlRunner.placeholders(DICOM_INSTANCE_COLUMNS.length)})
  ON CONFLICT (sop_instance_uid) DO UPDATE SET ${UPSERT_SET}`;
const INSERT_MESSAGE = `INSERT INTO message (${MESSAGE_COLUMNS}) VALUES (${SqlRunner.placeholders(14)})`;
const INSERT_RECORD = `INSERT INTO protected_record (${RECORD_COLUMNS}) VALUES (${SqlRunner.placeholders(12)})`;
const CURRENT = `SELECT version_id, content_hash, message_id FROM dicom_instance WHERE sop_instance_uid = ?`;
const LATEST = `SELECT max(version_id) AS v FROM protected_record WHERE type = 'DicomInstance' AND id = ?`;

type Current = { version_id: number | string | null; content_hash: string; message_id: string };

/** Decides before writing: undefined means "write this version". */
function precheck(commit: DicomInstanceCommit, current: Current | undefined, latest: number): DicomCommitResult | undefined {
  if (current && current.content_hash === commit.instance.contentHash) {
    return { kind: 'duplicate', messageId: current.message_id, versionId: Number(current.version_id) };
  }
  if (latest + 1 !== commit.instance.versionId) return { kind: 'version-taken', latestVersion: latest };
  return undefined;
}

/**
 * PostgreSQL: commits under a transaction-scoped advisory lock on the SOP Instance UID, in three
 * round trips (intake pays this per instance): BEGIN with the lock and the version check, the
 * three inserts as one statement (data-modifying CTEs), COMMIT. The lock key is computed here (a
 * 31-bit FNV-1a of the UID), so BEGIN, the lock and the check travel as one parameterless query.
 */
export async function commitOnPostgres(sql: SqlRunner, commit: DicomInstanceCommit, now: Date): Promise<DicomCommitResult> {
  const client = await sql.pg.connect();
  try {
    const state = await lockAndReadState(client, commit);
    const current = state.version_id === null ? undefined : state;
    const early = precheck(commit, current, Number(state.latest ?? 0));
    if (early) {
      await client.query('ROLLBACK');
      return early;
    }
    let written: DicomCommitResult = { kind: 'stored' };
    if (commit.replaceFailed) {
      const changed = await client.query(toPg(REPLACE_FAILED), replaceParams(commit.message, now));
      if ((changed.rowCount ?? 0) === 0) written = { kind: 'message-gone' };
      else {
        await client.query(toPg(INSERT_INSTANCE), instanceParams(commit.instance, (d) => d));
        await client.query(toPg(INSERT_RECORD), recordParams(commit.record, now));
      }
    } else {
      const params = [...messageParams(commit.message, (d) => d, now), ...instanceParams(commit.instance, (d) => d), ...recordParams(commit.record, now)];
      await client.query(toPg(`WITH m AS (${INSERT_MESSAGE}), i AS (${INSERT_INSTANCE}) ${INSERT_RECORD}`), params);
    }
    await client.query(written.kind === 'stored' ? 'COMMIT' : 'ROLLBACK');
    return written;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const STATE_SELECT = (sopInstanceUid: string, recordId: string): string =>
  `SELECT (SELECT max(version_id) FROM protected_record WHERE type = 'DicomInstance' AND id = ${recordId}) AS latest, d.version_id, d.content_hash, d.message_id
   FROM (SELECT 1) AS one LEFT JOIN dicom_instance d ON d.sop_instance_uid = ${sopInstanceUid}`;

/** Characters a literal may be inlined with: no quote, backslash or anything else that could end it. */
const LITERAL_SAFE = /^[0-9A-Za-z.-]+$/;

/**
 * BEGIN, the advisory lock, then the newest version (read after the lock is held, so a
 * concurrent commit of the same UID is seen). One round trip when the UID and record id can be
 * inlined as literals (a simple query takes no parameters): they always can (validateCommit
 * allows digits and dots in a UID, deterministicId gives a UUID), else a second, parameterised one.
 */
async function lockAndReadState(client: PoolClient, commit: DicomInstanceCommit): Promise<Current & { latest: number | null }> {
  const uid = commit.instance.sopInstanceUid;
  const recordId = commit.record.id;
  const begin = `BEGIN; SELECT pg_advisory_xact_lock(${DICOM_LOCK_CLASS}, ${uidLockKey(uid)})`;
  if (LITERAL_SAFE.test(uid) && LITERAL_SAFE.test(recordId)) {
    const results = (await client.query(`${begin}; ${STATE_SELECT(`'${uid}'`, `'${recordId}'`)}`)) as unknown as { rows: (Current & { latest: number | null })[] }[];
    return results[results.length - 1]!.rows[0]!;
  }
  await client.query(begin);
  return (await client.query<Current & { latest: number | null }>(STATE_SELECT('$1', '$2'), [uid, recordId])).rows[0]!;
}


/** SQLite: one immediate transaction (the single writer is the lock). */
export function commitOnSqlite(sql: SqlRunner, commit: DicomInstanceCommit, now: Date): DicomCommitResult {
  const db = sql.sqlite;
  const at = sqliteDate(now);
  return db.transaction(() => {
    const current = db.stmt(CURRENT).get(commit.instance.sopInstanceUid) as Current | undefined;
    const latest = Number((db.stmt(LATEST).get(commit.record.id) as { v: number | null } | undefined)?.v ?? 0);
    const early = precheck(commit, current, latest);
    if (early) return early;
    if (commit.replaceFailed) {
      if (db.stmt(REPLACE_FAILED).run(...replaceParams(commit.message, at)).changes === 0) return { kind: 'message-gone' };
    } else {
      db.stmt(INSERT_MESSAGE).run(...messageParams(commit.message, sqliteDate, at));
    }
    db.stmt(INSERT_INSTANCE).run(...instanceParams(commit.instance, sqliteDate));
    db.stmt(INSERT_RECORD).run(...recordParams(commit.record, at));
    return { kind: 'stored' };
  });
}

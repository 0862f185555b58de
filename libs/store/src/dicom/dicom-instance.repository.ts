import type { DataSource } from 'typeorm';
import type { OperationOutcome } from '@hie/fhir';
import { isUuid } from '../sql/batching.js';
import { SqlRunner } from '../sql/sql-runner.js';
import type { DicomCommitResult, DicomInstanceCommit, DicomInstanceRow, DicomVersionState } from './dicom-instance.model.js';
import { DICOM_INSTANCE_COLUMNS, toDicomInstance, type DicomInstanceDbRow } from './dicom-instance.row-mapper.js';
import { validateCommit } from './dicom-instance.validator.js';
import { commitOnPostgres, commitOnSqlite } from './dicom-instance.writers.js';
import { withStudyLocks } from './dicom-study.lock.js';

const COLUMNS = DICOM_INSTANCE_COLUMNS.join(', ');

/**
 * The DICOM instance index (`dicom_instance`) and the one transaction that stores an instance:
 * message + index row + protected record (see {@link commit}). QIDO searches are
 * DicomQueryRepository's; this one serves intake, conversion, WADO lookups and erasure.
 */
export class DicomInstanceRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /** The instance's current (newest) version, if stored. */
  async findBySopInstanceUid(sopInstanceUid: string): Promise<DicomInstanceRow | undefined> {
    const rows = await this.sql.all<DicomInstanceDbRow>(`SELECT ${COLUMNS} FROM dicom_instance WHERE sop_instance_uid = ?`, [sopInstanceUid]);
    return rows[0] ? toDicomInstance(rows[0]) : undefined;
  }

  /**
   * Every instance of a study, by series number, series, instance number, then UID. With
   * `metadata: false` the rows carry an empty `metadata` (the conversion caches what it parsed:
   * re-reading a 1,000-instance study's headers for every rebuild would dominate its cost);
   * {@link metadataOf} then fetches the ones it lacks.
   */
  async instancesOfStudy(studyInstanceUid: string, options: { metadata?: boolean } = {}): Promise<DicomInstanceRow[]> {
    const columns = options.metadata === false ? COLUMNS.replace('metadata', "'' AS metadata") : COLUMNS;
    const rows = await this.sql.all<DicomInstanceDbRow>(
      `SELECT ${columns} FROM dicom_instance WHERE study_instance_uid = ?
       ORDER BY series_number, series_instance_uid, instance_number, sop_instance_uid`,
      [studyInstanceUid],
    );
    return rows.map(toDicomInstance);
  }

  /** The DICOM JSON metadata of these instances' current versions, by SOP Instance UID. */
  async metadataOf(sopInstanceUids: readonly string[]): Promise<Map<string, { versionId: number; metadata: string }>> {
    const found = new Map<string, { versionId: number; metadata: string }>();
    for (let i = 0; i < sopInstanceUids.length; i += 500) {
      const slice = sopInstanceUids.slice(i, i + 500);
      const rows = await this.sql.all<{ sop_instance_uid: string; version_id: number | string; metadata: string }>(
        `SELECT sop_instance_uid, version_id, metadata FROM dicom_instance WHERE sop_instance_uid IN (${slice.map(() => '?').join(', ')})`,
        slice,
      );
      for (const r of rows) found.set(r.sop_instance_uid, { versionId: Number(r.version_id), metadata: r.metadata });
    }
    return found;
  }

  /** The instance versions a message brought (one, or none if a newer version replaced it). */
  async instancesOfMessage(messageId: string): Promise<DicomInstanceRow[]> {
    if (!isUuid(messageId)) return [];
    const rows = await this.sql.all<DicomInstanceDbRow>(`SELECT ${COLUMNS} FROM dicom_instance WHERE message_id = ? ORDER BY sop_instance_uid`, [messageId]);
    return rows.map(toDicomInstance);
  }

  /**
   * Runs `body` (a conversion job's build and commit) while no other process converts any of
   * these studies: a build read before another's commit must not be committed after it.
   */
  async withStudyLocks<T>(studyInstanceUids: readonly string[], body: () => Promise<T>): Promise<T> {
    return withStudyLocks(this.sql, studyInstanceUids, body);
  }

  /**
   * Whether a message newer than `messageId` (ids are time-ordered UUIDv7) brought an instance of
   * the study and still waits for conversion: that message's conversion will rebuild the study
   * from every indexed instance, so building it now would only write a version it replaces.
   */
  async hasNewerPendingMessage(studyInstanceUid: string, messageId: string): Promise<boolean> {
    if (!isUuid(messageId)) return false;
    const rows = await this.sql.all<{ one: number }>(
      `SELECT 1 AS one FROM dicom_instance d JOIN message m ON m.id = d.message_id
       WHERE d.study_instance_uid = ? AND m.status = 'received' AND m.id > ? LIMIT 1`,
      [studyInstanceUid, messageId],
    );
    return rows.length > 0;
  }

  /**
   * Where the versions of an instance stand, to number the next one before sealing it (its
   * AAD names the version). Racing writers are caught by {@link commit}.
   */
  async versionState(sopInstanceUid: string, recordId: string): Promise<DicomVersionState> {
    // One round trip: intake asks this for every instance.
    const [row] = await this.sql.all<{ latest: number | string | null; version_id: number | string | null; content_hash: string | null; message_id: string | null }>(
      `SELECT (SELECT max(version_id) FROM protected_record WHERE type = 'DicomInstance' AND id = ?) AS latest, d.version_id, d.content_hash, d.message_id
       FROM (SELECT 1) AS one LEFT JOIN dicom_instance d ON d.sop_instance_uid = ?`,
      [recordId, sopInstanceUid],
    );
    const state: DicomVersionState = { latestVersion: Number(row?.latest ?? 0) };
    if (row && row.version_id !== null && row.content_hash !== null && row.message_id !== null) {
      state.current = { versionId: Number(row.version_id), contentHash: row.content_hash, messageId: row.message_id };
    }
    return state;
  }

  /**
   * ONE transaction, serialised per SOP Instance UID: if the newest version has the same content
   * hash, nothing is written (`duplicate`); if another writer took `instance.versionId` meanwhile,
   * nothing is written (`version-taken`: seal again and retry); else the message is inserted (or
   * a failed one replaced, on reprocess), the index row inserted or pointed at this version, and
   * the protected record inserted for the anchor batcher.
   */
  async commit(commit: DicomInstanceCommit): Promise<DicomCommitResult> {
    validateCommit(commit);
    const now = new Date();
    return this.sql.dialect === 'postgres' ? commitOnPostgres(this.sql, commit, now) : commitOnSqlite(this.sql, commit, now);
  }

  /**
   * A reprocessed refusal that is still refused: its outcome (and descriptor) replaced. Only a
   * failed, not erased DICOM message changes. Returns whether it did.
   */
  async updateRefusal(messageId: string, outcome: OperationOutcome, raw?: Buffer): Promise<boolean> {
    if (!isUuid(messageId)) return false;
    const changed = await this.sql.run(
      `UPDATE message SET outcome = ?, ${raw ? 'raw = ?, ' : ''}updated_at = ? WHERE id = ? AND format = 'dicom' AND status = 'failed' AND erased_at IS NULL`,
      [JSON.stringify(outcome), ...(raw ? [raw] : []), this.sql.date(new Date()), messageId],
    );
    return changed > 0;
  }

  /**
   * A reprocessed refusal whose bytes turn out to be stored already (the same content as the
   * newest version): the message wrote nothing of its own, so it ends `anchored` (the message
   * store's rule for such messages), with `raw` naming the stored version.
   */
  async settleAsDuplicate(messageId: string, raw: Buffer): Promise<boolean> {
    if (!isUuid(messageId)) return false;
    const changed = await this.sql.run(
      `UPDATE message SET status = 'anchored', outcome = NULL, raw = ?, updated_at = ? WHERE id = ? AND format = 'dicom' AND status = 'failed' AND erased_at IS NULL`,
      [raw, this.sql.date(new Date()), messageId],
    );
    return changed > 0;
  }
}

import type { DataSource } from 'typeorm';
import { HieError, InvalidInputError } from '@hie/common';
import type { DataKeyRow, NewDataKey } from './data-key.model.js';
import { clampInt, isUuid } from './sql/batching.js';
import { SqlRunner, readDate } from './sql/sql-runner.js';

interface DataKeyDbRow {
  id: string;
  subject_key: string;
  kek_id: string;
  wrapped_key: Buffer | Uint8Array | null;
  created_at: unknown;
  destroyed_at: unknown;
}

const COLUMNS = 'id, subject_key, kek_id, wrapped_key, created_at, destroyed_at';

function toRow(row: DataKeyDbRow): DataKeyRow {
  const key: DataKeyRow = {
    id: row.id,
    subjectKey: row.subject_key,
    kekId: row.kek_id,
    wrappedKey: row.wrapped_key === null ? null : Buffer.isBuffer(row.wrapped_key) ? row.wrapped_key : Buffer.from(row.wrapped_key),
    createdAt: readDate(row.created_at),
  };
  if (row.destroyed_at !== null && row.destroyed_at !== undefined) key.destroyedAt = readDate(row.destroyed_at);
  return key;
}

function checkName(value: string, what: 'subjectKey' | 'kekId'): void {
  if (value.length === 0 || value.length > 64) throw new InvalidInputError('STORE_BAD_DATA_KEY', 'Invalid data key field', { field: what });
}

/**
 * Per-subject data keys: at most one active key per subject (a partial unique index), KEK
 * rotation that is safe alongside a concurrent rotation, and crypto-shredding on erasure.
 */
export class DataKeyRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /** The subject's active (not destroyed) key. */
  async findActive(subjectKey: string): Promise<DataKeyRow | undefined> {
    const rows = await this.sql.all<DataKeyDbRow>(
      `SELECT ${COLUMNS} FROM data_key WHERE subject_key = ? AND destroyed_at IS NULL`,
      [subjectKey],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** The active keys of many subjects at once (absent subjects are left out). */
  async findActiveMany(subjectKeys: readonly string[]): Promise<DataKeyRow[]> {
    const out: DataKeyRow[] = [];
    const unique = [...new Set(subjectKeys)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const rows = await this.sql.all<DataKeyDbRow>(
        `SELECT ${COLUMNS} FROM data_key WHERE destroyed_at IS NULL AND subject_key IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      out.push(...rows.map(toRow));
    }
    return out;
  }

  /**
   * {@link insertIfAbsent} for many subjects in one statement per 500: the protect stage meets a
   * job's new patients together. Returns the active key of every subject given (the winners).
   */
  async insertManyIfAbsent(rows: readonly NewDataKey[]): Promise<DataKeyRow[]> {
    for (const row of rows) {
      if (!isUuid(row.id)) throw new InvalidInputError('STORE_BAD_DATA_KEY', 'Invalid data key field', { field: 'id' });
      checkName(row.subjectKey, 'subjectKey');
      checkName(row.kekId, 'kekId');
    }
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await this.sql.run(
        `INSERT INTO data_key (id, subject_key, kek_id, wrapped_key, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (subject_key) WHERE destroyed_at IS NULL DO NOTHING`,
        chunk.flatMap((r) => [r.id, r.subjectKey, r.kekId, r.wrappedKey, this.sql.date(r.createdAt)]),
      );
    }
    const active = await this.findActiveMany(rows.map((r) => r.subjectKey));
    if (new Set(active.map((a) => a.subjectKey)).size < new Set(rows.map((r) => r.subjectKey)).size) {
      throw new HieError('STORE_DATA_KEY_RACE', 'A subject key was destroyed while its data key was being created');
    }
    return active;
  }

  /** A key by id, destroyed or not (old ciphertexts name the key they were sealed with). */
  async findById(id: string): Promise<DataKeyRow | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.sql.all<DataKeyDbRow>(`SELECT ${COLUMNS} FROM data_key WHERE id = ?`, [id]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /**
   * Stores the key unless the subject already has an active one, and returns the active key:
   * when two processes create a key for one subject at once, both get the same winner.
   */
  async insertIfAbsent(row: NewDataKey): Promise<DataKeyRow> {
    if (!isUuid(row.id)) throw new InvalidInputError('STORE_BAD_DATA_KEY', 'Invalid data key field', { field: 'id' });
    checkName(row.subjectKey, 'subjectKey');
    checkName(row.kekId, 'kekId');
    // The winner can only vanish if destroySubject runs in between; then insert again.
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.sql.run(
        `INSERT INTO data_key (id, subject_key, kek_id, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subject_key) WHERE destroyed_at IS NULL DO NOTHING`,
        [row.id, row.subjectKey, row.kekId, row.wrappedKey, this.sql.date(row.createdAt)],
      );
      const active = await this.findActive(row.subjectKey);
      if (active) return active;
    }
    throw new HieError('STORE_DATA_KEY_RACE', 'The subject key was destroyed while its data key was being created');
  }

  /** Active keys wrapped by a KEK other than `kekId` (the rotation's work list). */
  async listNotUnderKek(kekId: string, limit: number): Promise<DataKeyRow[]> {
    // `<` OR `>` rather than `<>`: both halves are range scans of the (kek_id) partial index.
    const rows = await this.sql.all<DataKeyDbRow>(
      `SELECT ${COLUMNS} FROM data_key WHERE destroyed_at IS NULL AND (kek_id < ? OR kek_id > ?) LIMIT ${clampInt(limit, 100, 1, 100_000)}`,
      [kekId, kekId],
    );
    return rows.map(toRow);
  }

  /**
   * Replaces the wrapped key, only if the key is still active and under `fromKekId`: a
   * concurrent rotation that got there first wins, and this one returns false.
   */
  async rewrap(id: string, fromKekId: string, kekId: string, wrappedKey: Buffer): Promise<boolean> {
    if (!isUuid(id)) return false;
    checkName(kekId, 'kekId');
    const changed = await this.sql.run(
      `UPDATE data_key SET kek_id = ?, wrapped_key = ? WHERE id = ? AND kek_id = ? AND destroyed_at IS NULL`,
      [kekId, wrappedKey, id, fromKekId],
    );
    return changed === 1;
  }

  /**
   * Crypto-shredding: every active key of the subject loses its wrapped key and is marked
   * destroyed at `at`. Returns how many were destroyed (0 when repeated).
   */
  async destroySubject(subjectKey: string, at: Date): Promise<number> {
    return this.sql.run(
      `UPDATE data_key SET wrapped_key = NULL, destroyed_at = ? WHERE subject_key = ? AND destroyed_at IS NULL`,
      [this.sql.date(at), subjectKey],
    );
  }
}

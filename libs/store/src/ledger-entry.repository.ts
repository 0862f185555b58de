import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import { LEDGER_ENTRY_KINDS, LedgerSeqTakenStoreError } from './ledger-entry.model.js';
import type { LedgerEntryKind, LedgerEntryRow } from './ledger-entry.model.js';
import { clampInt } from './sql/batching.js';
import { SqlRunner, readDate } from './sql/sql-runner.js';

interface LedgerEntryDbRow {
  seq: number | string;
  kind: string;
  entry_key: string;
  payload: string;
  prev_hash: string;
  entry_hash: string;
  signature: string;
  created_at: unknown;
}

const COLUMNS = 'seq, kind, entry_key, payload, prev_hash, entry_hash, signature, created_at';
const HEX64 = /^[0-9a-f]{64}$/;

function toRow(row: LedgerEntryDbRow): LedgerEntryRow {
  return {
    seq: Number(row.seq),
    kind: row.kind as LedgerEntryKind,
    entryKey: row.entry_key,
    payload: row.payload,
    prevHash: row.prev_hash,
    entryHash: row.entry_hash,
    signature: row.signature,
    createdAt: readDate(row.created_at),
  };
}

/** A unique or primary-key violation, as node-postgres or better-sqlite3 reports it. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point
 * order (= byte order of UTF-8, which is how the "C" collation and SQLite's BINARY compare).
 */
function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** LIKE's wildcards and escape character, escaped (with `\`). */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Storage of the embedded ledger (the ledger lib's `LedgerEntryStore` port, by shape): appends
 * that fail when the sequence number or the (kind, entryKey) is taken, and reads along the
 * chain.
 */
export class LedgerEntryRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /** Appends an entry; throws {@link LedgerSeqTakenStoreError} if its seq or (kind, entryKey) is taken. */
  async append(row: LedgerEntryRow): Promise<void> {
    const bad = (field: string): never => {
      throw new InvalidInputError('STORE_BAD_LEDGER_ENTRY', 'Invalid ledger entry', { field });
    };
    if (!Number.isSafeInteger(row.seq) || row.seq < 0) bad('seq');
    if (!LEDGER_ENTRY_KINDS.includes(row.kind)) bad('kind');
    if (row.entryKey.length === 0 || row.entryKey.length > 80) bad('entryKey');
    if (!HEX64.test(row.prevHash)) bad('prevHash');
    if (!HEX64.test(row.entryHash)) bad('entryHash');
    try {
      await this.sql.run(
        `INSERT INTO ledger_entry (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [row.seq, row.kind, row.entryKey, row.payload, row.prevHash, row.entryHash, row.signature, this.sql.date(row.createdAt)],
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const taken = new LedgerSeqTakenStoreError({ seq: row.seq, kind: row.kind });
      taken.cause = error;
      throw taken;
    }
  }

  /** The chain's last entry (highest seq). */
  async last(): Promise<LedgerEntryRow | undefined> {
    const rows = await this.sql.all<LedgerEntryDbRow>(`SELECT ${COLUMNS} FROM ledger_entry ORDER BY seq DESC LIMIT 1`);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async findByKey(kind: LedgerEntryKind, entryKey: string): Promise<LedgerEntryRow | undefined> {
    const rows = await this.sql.all<LedgerEntryDbRow>(`SELECT ${COLUMNS} FROM ledger_entry WHERE kind = ? AND entry_key = ?`, [kind, entryKey]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /**
   * The entry of `kind` with the highest seq whose key starts with `prefix` (taken literally:
   * `%` and `_` match only themselves). The key range [prefix, next) selects it on the
   * (kind, entry_key) index and is exact; the escaped LIKE says the same thing (SQLite's LIKE
   * alone would ignore ASCII case and skip the index).
   */
  async findLatestByPrefix(kind: LedgerEntryKind, prefix: string): Promise<LedgerEntryRow | undefined> {
    const upper = prefixUpperBound(prefix);
    const rows = await this.sql.all<LedgerEntryDbRow>(
      `SELECT ${COLUMNS} FROM ledger_entry
       WHERE kind = ? AND entry_key >= ?${upper === undefined ? '' : ' AND entry_key < ?'} AND entry_key LIKE ? ESCAPE '\\'
       ORDER BY seq DESC LIMIT 1`,
      [kind, prefix, ...(upper === undefined ? [] : [upper]), `${escapeLike(prefix)}%`],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Entries after `afterSeq`, in seq order, at most `limit` (1..10,000). */
  async scan(afterSeq: number, limit: number): Promise<LedgerEntryRow[]> {
    const rows = await this.sql.all<LedgerEntryDbRow>(
      `SELECT ${COLUMNS} FROM ledger_entry WHERE seq > ? ORDER BY seq LIMIT ${clampInt(limit, 100, 1, 10_000)}`,
      [afterSeq],
    );
    return rows.map(toRow);
  }
}

import { LedgerSeqTakenError } from './ledger.errors.js';
import type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStore } from './ledger-entry.store.js';

function copy(row: LedgerEntryRow): LedgerEntryRow {
  return { ...row, createdAt: new Date(row.createdAt.getTime()) };
}

/**
 * LedgerEntryStore in memory, with the same uniqueness rules as the SQL table (seq, and
 * kind + entryKey). For tests and throwaway runs; rows are copied in and out, so callers can
 * never alter what is stored by mutating a row they hold.
 */
export class MemoryLedgerEntryStore implements LedgerEntryStore {
  /** Rows in seq order (append is the only writer, and it only appends seq = last + 1 or higher). */
  protected readonly rows: LedgerEntryRow[] = [];
  private readonly keys = new Set<string>();

  async append(row: LedgerEntryRow): Promise<void> {
    const key = `${row.kind}\u0000${row.entryKey}`;
    if (this.rows.some((r) => r.seq === row.seq) || this.keys.has(key)) {
      throw new LedgerSeqTakenError('ledger entry seq or key already taken', { seq: row.seq, kind: row.kind });
    }
    this.keys.add(key);
    this.rows.push(copy(row));
    this.rows.sort((a, b) => a.seq - b.seq);
  }

  async last(): Promise<LedgerEntryRow | undefined> {
    const row = this.rows.at(-1);
    return row && copy(row);
  }

  async findByKey(kind: LedgerEntryKind, entryKey: string): Promise<LedgerEntryRow | undefined> {
    const row = this.rows.find((r) => r.kind === kind && r.entryKey === entryKey);
    return row && copy(row);
  }

  async findLatestByPrefix(kind: LedgerEntryKind, prefix: string): Promise<LedgerEntryRow | undefined> {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i]!;
      if (row.kind === kind && row.entryKey.startsWith(prefix)) return copy(row);
    }
    return undefined;
  }

  async scan(afterSeq: number, limit: number): Promise<LedgerEntryRow[]> {
    return this.rows.filter((r) => r.seq > afterSeq).slice(0, limit).map(copy);
  }
}

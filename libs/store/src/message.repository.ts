import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import { MESSAGE_FORMATS, MESSAGE_STATUSES } from './message.model.js';
import type { MessageListFilter, MessageStatus, MessageSummary, NewMessage, StoredMessage } from './message.model.js';
import { SUMMARY_COLUMNS, toStoredMessage, toSummary } from './message-row.mapper.js';
import type { MessageRow } from './message-row.mapper.js';
import { SqlRunner } from './sql/sql-runner.js';
import type { PgClient } from './sql/sql-runner.js';
import { chunk, clampInt, isUuid } from './sql/batching.js';

const INSERT_COLUMNS =
  'id, received_at, channel, format, raw, size_bytes, control_id, message_type, sending_facility, status, outcome, attempts, resource_count, updated_at';

/** Rows and bytes per PostgreSQL INSERT, so one statement never holds a huge burst. */
const PG_CHUNK_ROWS = 2000;
const PG_CHUNK_BYTES = 32 * 1024 * 1024;

/**
 * The message store: raw messages and their status. `insertMany` is the durability point
 * the engine ACKs on.
 */
export class MessageRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /**
   * Stores messages in one transaction. PostgreSQL: multi-row `INSERT ... SELECT FROM unnest(...)`
   * (one parameter per column, so no parameter limit). SQLite: one prepared statement in one
   * transaction, which is SQLite's fastest bulk insert.
   */
  async insertMany(messages: readonly NewMessage[]): Promise<void> {
    if (messages.length === 0) return;
    for (const m of messages) {
      if (!isUuid(m.id)) throw new InvalidInputError('STORE_BAD_MESSAGE_ID', 'A message id must be a uuid');
      // The column is free text in both schemas: the one place that keeps it to known formats.
      if (!MESSAGE_FORMATS.includes(m.format)) throw new InvalidInputError('STORE_BAD_FORMAT', 'Unknown message format');
    }
    const now = new Date();
    if (this.sql.dialect === 'sqlite') {
      const insert = this.sql.sqlite.stmt(`INSERT INTO message (${INSERT_COLUMNS}) VALUES (${SqlRunner.placeholders(14)})`);
      const updatedAt = this.sql.date(now);
      this.sql.sqlite.transaction(() => {
        for (const m of messages) {
          insert.run(
            m.id, this.sql.date(m.receivedAt), m.channel, m.format, m.raw, m.sizeBytes,
            m.controlId ?? null, m.messageType ?? null, m.sendingFacility ?? null,
            m.status, m.outcome ? JSON.stringify(m.outcome) : null, 0, 0, updatedAt,
          );
        }
      });
      return;
    }
    const chunks = chunk(messages, PG_CHUNK_ROWS, (m) => m.raw.length, PG_CHUNK_BYTES);
    const write = async (client: PgClient, rows: readonly NewMessage[]): Promise<void> => {
      await client.query(
        `INSERT INTO message (${INSERT_COLUMNS})
         SELECT id, received_at, channel, format, raw, size_bytes, control_id, message_type, sending_facility, status, outcome, 0, 0, $12
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::bytea[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
           AS v(id, received_at, channel, format, raw, size_bytes, control_id, message_type, sending_facility, status, outcome)`,
        [
          rows.map((m) => m.id), rows.map((m) => m.receivedAt), rows.map((m) => m.channel), rows.map((m) => m.format),
          rows.map((m) => m.raw), rows.map((m) => m.sizeBytes), rows.map((m) => m.controlId ?? null),
          rows.map((m) => m.messageType ?? null), rows.map((m) => m.sendingFacility ?? null), rows.map((m) => m.status),
          rows.map((m) => (m.outcome ? JSON.stringify(m.outcome) : null)), now,
        ],
      );
    };
    if (chunks.length === 1) await write(this.sql.pg, chunks[0]!);
    else await this.sql.pgTransaction(async (client) => { for (const rows of chunks) await write(client, rows); });
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.sql.all<MessageRow>(`SELECT * FROM message WHERE id = ?`, [id]);
    return rows[0] ? toStoredMessage(rows[0]) : undefined;
  }

  /** The messages that exist among `ids`, in the order asked. */
  async getMany(ids: readonly string[]): Promise<StoredMessage[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    const byId = new Map<string, StoredMessage>();
    for (const part of chunk(valid, 500)) {
      const rows =
        this.sql.dialect === 'postgres'
          ? await this.sql.all<MessageRow>(`SELECT * FROM message WHERE id = ANY(?::uuid[])`, [part])
          : await this.sql.all<MessageRow>(`SELECT * FROM message WHERE id IN (${SqlRunner.placeholders(part.length)})`, part);
      for (const row of rows) byId.set(row.id, toStoredMessage(row));
    }
    return valid.flatMap((id) => byId.get(id) ?? []);
  }

  /** Newest first; `before` is the id of the last message of the previous page. */
  async list(filter: MessageListFilter): Promise<MessageSummary[]> {
    const limit = clampInt(filter.limit, 100, 1, 1000);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      if (!MESSAGE_STATUSES.includes(filter.status)) throw new InvalidInputError('STORE_BAD_STATUS', 'Unknown message status');
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.before !== undefined) {
      if (!isUuid(filter.before)) return [];
      // Row comparison on (received_at, id): one order for every page, even with equal timestamps.
      where.push('(received_at, id) < (SELECT received_at, id FROM message WHERE id = ?)');
      params.push(filter.before);
    }
    const rows = await this.sql.all<MessageRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM message ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toSummary);
  }

  async findReceivedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      `SELECT id FROM message WHERE status = 'received' AND received_at < ? ORDER BY received_at LIMIT ${clampInt(limit, 100, 1, 100_000)}`,
      [this.sql.date(cutoff)],
    );
    return rows.map((r) => r.id);
  }

  /**
   * failed|converted|stored|anchored → received (attempts kept, outcome cleared); returns how
   * many changed. Messages redacted by an erasure stay as they are: their raw bytes are gone.
   */
  async markForReprocess(ids: readonly string[]): Promise<number> {
    const valid = [...new Set(ids.filter(isUuid))];
    const now = this.sql.date(new Date());
    let changed = 0;
    for (const part of chunk(valid, 500)) {
      changed +=
        this.sql.dialect === 'postgres'
          ? await this.sql.run(
              `UPDATE message SET status = 'received', outcome = NULL, updated_at = ? WHERE id = ANY(?::uuid[]) AND status IN ('failed', 'converted', 'stored', 'anchored') AND erased_at IS NULL`,
              [now, part],
            )
          : await this.sql.run(
              `UPDATE message SET status = 'received', outcome = NULL, updated_at = ? WHERE id IN (${SqlRunner.placeholders(part.length)}) AND status IN ('failed', 'converted', 'stored', 'anchored') AND erased_at IS NULL`,
              [now, ...part],
            );
    }
    return changed;
  }

  async countByStatus(): Promise<Record<MessageStatus, number>> {
    const rows = await this.sql.all<{ status: string; n: number | string }>(`SELECT status, COUNT(*) AS n FROM message GROUP BY status`);
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const row of rows) {
      if ((MESSAGE_STATUSES as readonly string[]).includes(row.status)) counts[row.status as MessageStatus] = Number(row.n);
    }
    return counts;
  }
}

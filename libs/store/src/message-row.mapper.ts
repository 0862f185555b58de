import type { OperationOutcome } from '@hie/fhir';
import type { MessageStatus, MessageSummary, NewMessage, StoredMessage } from './message.model.js';
import { readDate } from './sql/sql-runner.js';

/** A `message` row as either driver returns it (raw may be absent in summaries). */
export interface MessageRow {
  id: string;
  received_at: unknown;
  channel: string;
  format: string;
  raw?: Buffer | Uint8Array;
  size_bytes: number | string;
  control_id: string | null;
  message_type: string | null;
  sending_facility: string | null;
  status: string;
  outcome: string | null;
  attempts: number | string;
  resource_count: number | string;
  processed_at: unknown;
  updated_at: unknown;
  erased_at?: unknown;
}

/** Columns of a summary (everything but raw). */
export const SUMMARY_COLUMNS =
  'id, received_at, channel, format, size_bytes, control_id, message_type, sending_facility, status, outcome, attempts, resource_count, processed_at, updated_at, erased_at';

/** Maps a row without its raw bytes. */
export function toSummary(row: MessageRow): MessageSummary {
  const summary: MessageSummary = {
    id: row.id,
    receivedAt: readDate(row.received_at),
    channel: row.channel as NewMessage['channel'],
    format: row.format as NewMessage['format'],
    sizeBytes: Number(row.size_bytes),
    status: row.status as MessageStatus,
    updatedAt: readDate(row.updated_at),
    attempts: Number(row.attempts),
    resourceCount: Number(row.resource_count),
  };
  if (row.control_id !== null) summary.controlId = row.control_id;
  if (row.message_type !== null) summary.messageType = row.message_type;
  if (row.sending_facility !== null) summary.sendingFacility = row.sending_facility;
  if (row.outcome !== null) summary.outcome = JSON.parse(row.outcome) as OperationOutcome;
  if (row.processed_at !== null && row.processed_at !== undefined) summary.processedAt = readDate(row.processed_at);
  if (row.erased_at !== null && row.erased_at !== undefined) summary.erasedAt = readDate(row.erased_at);
  return summary;
}

/** Maps a full row. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  const raw = row.raw ?? Buffer.alloc(0);
  return { ...toSummary(row), raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw) };
}

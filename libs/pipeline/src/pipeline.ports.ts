import type { ConversionOutcome, MessageFormat, MessageStatus, NewMessage } from '@hie/store';

/**
 * The narrow slices of the store and queue the use cases need, in the store's own types,
 * so the real repositories plug in as they are and tests can pass small in-memory fakes.
 */

/** How a message reached the engine. */
export type IntakeChannel = NewMessage['channel'];

/** What a stored message's raw bytes are (HL7 v2 or a CDA document). */
export type PipelineMessageFormat = MessageFormat;

/** Lifecycle of a message in the message store. */
export type PipelineMessageStatus = MessageStatus;

/** A message as intake writes it. */
export type IntakeRecord = NewMessage;

/** A stored message as the worker reads it (the fields it needs). */
export interface StoredRecord {
  id: string;
  receivedAt: Date;
  raw: Buffer;
  /** Picks the conversion (see ConversionDispatcher). */
  format: PipelineMessageFormat;
  status: PipelineMessageStatus;
}

/** Message-store operations used by intake, worker, sweeper and reprocess. */
export interface MessageStorePort {
  insertMany(messages: readonly IntakeRecord[]): Promise<void>;
  getMany(ids: readonly string[]): Promise<StoredRecord[]>;
  findReceivedBefore(cutoff: Date, limit: number): Promise<string[]>;
  markForReprocess(ids: readonly string[]): Promise<number>;
  list(filter: { status?: PipelineMessageStatus; limit?: number; before?: string }): Promise<{ id: string; format?: PipelineMessageFormat }[]>;
}

/** What the worker hands to the store for one message. */
export type ConversionOutcomeRecord = ConversionOutcome;

/** Applies a batch of conversion outcomes in one transaction, exactly once per message. */
export interface ConversionStorePort {
  commit(outcomes: readonly ConversionOutcomeRecord[]): Promise<Map<string, 'applied' | 'skipped'>>;
}

/** The work queue as the pipeline uses it. */
export interface JobQueuePort {
  enqueue(messageIds: readonly string[]): Promise<void>;
}

/** A PHI-free logger (Nest's Logger fits). */
export interface PipelineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything, for tests and the CLI. */
export const silentLogger: PipelineLogger = { log() {}, warn() {}, error() {} };

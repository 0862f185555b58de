import { uuidv7 } from '@hie/common';
import type { OperationOutcome } from '@hie/fhir';
import { buildAck, DEFAULT_DELIMITERS } from '@hie/hl7v2';
import { GroupCommitter } from './group-committer.js';
import { failure, toAckError, toIssue, type Hl7Failure } from './hl7-failure.mapper.js';
import { decideIntake, type IntakeDecision, type IntakeRules } from './intake-decision.js';
import {
  silentLogger,
  type IntakeChannel,
  type IntakeRecord,
  type JobQueuePort,
  type MessageStorePort,
  type PipelineLogger,
} from './pipeline.ports.js';

/** Settings of the {@link IntakeService}. */
export interface IntakeOptions extends IntakeRules {
  readonly batchSize: number;
  readonly batchMillis: number;
  /** Concurrent group-commit flushes (1 for SQLite). */
  readonly maxConcurrentFlushes?: number;
}

/** The result of one intake, for the edge that answers the sender. */
export interface IntakeResult {
  readonly id: string;
  readonly ack: 'AA' | 'AE' | 'AR';
  /** The ACK message (ER7 text, CR-separated). */
  readonly ackMessage: string;
  /** False when the store write failed: the sender must resend. */
  readonly stored: boolean;
}

/**
 * The intake use case shared by MLLP, HTTP and the CLI: decide AA/AE/AR, store EVERY
 * message (good, bad, empty, garbage) through one group commit, answer only once the raw
 * bytes are durable, then queue the accepted ones for conversion as one job per flush.
 */
export class IntakeService {
  private readonly committer: GroupCommitter<IntakeRecord>;
  /** Ids stored but not to be queued: their caller converts them itself (`POST /cda?sync=true`). */
  private readonly held = new Set<string>();

  constructor(
    private readonly messages: Pick<MessageStorePort, 'insertMany'>,
    private readonly queue: JobQueuePort,
    private readonly options: IntakeOptions,
    private readonly logger: PipelineLogger = silentLogger,
  ) {
    this.committer = new GroupCommitter<IntakeRecord>({
      batchSize: options.batchSize,
      batchMillis: options.batchMillis,
      maxConcurrentFlushes: options.maxConcurrentFlushes,
      flush: (records) => this.messages.insertMany(records),
      afterFlush: (records) => this.enqueueAccepted(records),
    });
  }

  /** Accepts one message and resolves to its ACK text. Never rejects. */
  async accept(raw: Buffer, channel: IntakeChannel): Promise<string> {
    return (await this.intake(raw, channel)).ackMessage;
  }

  /** Like {@link accept}, with the message id and decision (for HTTP and tests). */
  intake(raw: Buffer, channel: IntakeChannel): Promise<IntakeResult> {
    return this.store(raw, raw.length, channel);
  }

  /**
   * An MLLP frame over the frame limit: only its head was buffered. It is kept (head + real
   * size) as a failed message and answered AR.
   */
  async acceptOversize(head: Buffer, totalBytes: number, channel: IntakeChannel): Promise<string> {
    return (await this.store(head, totalBytes, channel)).ackMessage;
  }

  /**
   * Stores a record another intake decided (a CDA document) through the same group commit, so
   * every format shares one durability point and one batch. Resolves to false when the store
   * failed (the sender must resend). `hold`: the record is stored but not queued, because the
   * caller converts it now; should the caller fail to, the recovery sweep queues it later.
   */
  async submit(record: IntakeRecord, options: { hold?: boolean } = {}): Promise<boolean> {
    if (options.hold) this.held.add(record.id);
    try {
      await this.committer.submit(record);
      return true;
    } catch (error) {
      this.logger.error(`intake store failed for message ${record.id}: ${errorName(error)}`);
      return false;
    } finally {
      this.held.delete(record.id);
    }
  }

  /** Flushes what is waiting; call on shutdown after the listeners stopped. */
  close(): Promise<void> {
    return this.committer.close();
  }

  private async store(raw: Buffer, totalBytes: number, channel: IntakeChannel): Promise<IntakeResult> {
    const id = uuidv7();
    let decision: IntakeDecision;
    try {
      decision = decideIntake(raw, this.options, totalBytes);
    } catch {
      // decideIntake is built not to throw; if a dependency does, the message is still kept.
      decision = { ack: 'AR', status: 'failed', failures: [failure('INTERNAL_ERROR')], header: {}, delimiters: DEFAULT_DELIMITERS };
    }
    // Whatever arrived whole is kept whole, even over the message limit, so it can be
    // reprocessed once the limit is raised; only a frame past the frame limit (never
    // buffered past its head) is kept as that head plus its real size.
    const record = toRecord(id, raw, totalBytes, channel, decision);
    try {
      await this.committer.submit(record);
    } catch (error) {
      this.logger.error(`intake store failed for message ${id}: ${errorName(error)}`);
      return { id, ack: 'AR', stored: false, ackMessage: ackFor(decision, 'AR', [failure('STORE_UNAVAILABLE')]) };
    }
    return { id, ack: decision.ack, stored: true, ackMessage: ackFor(decision, decision.ack, decision.failures) };
  }

  private enqueueAccepted(records: readonly IntakeRecord[]): void {
    const ids = records.filter((r) => r.status === 'received' && !this.held.has(r.id)).map((r) => r.id);
    if (ids.length === 0) return;
    // The messages are durable already; a lost enqueue is repaired by the recovery sweep.
    this.queue.enqueue(ids).catch((error: unknown) => {
      this.logger.warn(`enqueue of ${ids.length} messages failed (${errorName(error)}); the recovery sweep will queue them`);
    });
  }
}


function toRecord(id: string, raw: Buffer, totalBytes: number, channel: IntakeChannel, decision: IntakeDecision): IntakeRecord {
  const h = decision.header;
  const messageType = h.messageCode ? (h.triggerEvent ? `${h.messageCode}^${h.triggerEvent}` : h.messageCode) : undefined;
  const outcome: OperationOutcome | undefined =
    decision.status === 'failed' ? { resourceType: 'OperationOutcome', issue: decision.failures.map(toIssue) } : undefined;
  return {
    id,
    receivedAt: new Date(),
    channel,
    format: 'hl7v2',
    raw,
    sizeBytes: totalBytes,
    controlId: clip(h.controlId),
    messageType: clip(messageType),
    sendingFacility: clip(h.sendingFacility),
    status: decision.status,
    ...(outcome ? { outcome } : {}),
  };
}

/** Header values read leniently from garbage can be anything: keep summary columns short. */
function clip(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.length > 64 ? value.slice(0, 64) : value;
}

function ackFor(decision: IntakeDecision, code: 'AA' | 'AE' | 'AR', failures: readonly Hl7Failure[]): string {
  return buildAck(
    { header: decision.header, delimiters: decision.delimiters },
    { code, controlId: decision.header.controlId ?? '', errors: failures.map(toAckError), ...(failures[0] ? { text: failures[0].text } : {}) },
  );
}

function errorName(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: unknown }).code ? `${error.name} ${String((error as Error & { code?: unknown }).code)}` : error.name;
  return typeof error;
}

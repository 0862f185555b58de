import type { MessageConverter } from './conversion.dispatcher.js';
import {
  silentLogger,
  type ConversionOutcomeRecord,
  type ConversionStorePort,
  type JobQueuePort,
  type MessageStorePort,
  type PipelineLogger,
} from './pipeline.ports.js';

/** Counts of one handled job, for logs and tests. */
export interface WorkerJobResult {
  readonly converted: number;
  readonly failed: number;
  /** Not 'received' any more (already converted by an earlier delivery, or unknown ids). */
  readonly skipped: number;
}

/**
 * Converts one job's messages (HL7 v2, CDA or DICOM: the converter dispatches on the stored format) and
 * commits all outcomes in ONE transaction. A message that cannot be converted becomes `failed`
 * with its outcome (not retried: it needs a mapping fix and `$reprocess`). Only infrastructure
 * errors (database) reject, so the queue retries; the store's commit guard makes a redelivered
 * job a no-op for messages already done.
 */
export class ConversionWorker {
  constructor(
    private readonly messages: Pick<MessageStorePort, 'getMany'>,
    private readonly conversions: ConversionStorePort,
    private readonly conversion: MessageConverter,
    private readonly logger: PipelineLogger = silentLogger,
    /** The protect stage's queue; converted messages are handed on to it (absent: they stop at `converted`). */
    private readonly next?: JobQueuePort,
  ) {}

  async handle(ids: readonly string[]): Promise<WorkerJobResult> {
    const pending = (await this.messages.getMany(ids)).filter((m) => m.status === 'received');
    const convertAndCommit = async (): Promise<WorkerJobResult> => {
      // A converter that reads the store (DICOM: the whole study) converts the job's messages together.
      const attempts = this.conversion.convertBatch
        ? await this.conversion.convertBatch(pending)
        : pending.map((m) => this.conversion.convert(m.raw, { messageId: m.id, receivedAt: m.receivedAt, format: m.format }));
      const outcomes: ConversionOutcomeRecord[] = pending.map((message, k) => {
        const attempt = attempts[k]!;
        return attempt.ok
          ? { messageId: message.id, kind: 'converted', bundle: attempt.bundle }
          : { messageId: message.id, kind: 'failed', outcome: attempt.outcome };
      });
      return this.record(outcomes, ids.length);
    };
    return this.conversion.exclusive ? this.conversion.exclusive(pending, convertAndCommit) : convertAndCommit();
  }

  /**
   * Commits outcomes converted elsewhere (the `?sync=true` intake converts while the sender
   * waits) exactly as a job's: one transaction, the commit guard, then the hand-on to protect.
   * `asked` is how many messages the caller meant (the rest count as skipped).
   */
  async record(outcomes: readonly ConversionOutcomeRecord[], asked: number = outcomes.length): Promise<WorkerJobResult> {
    const applied = outcomes.length > 0 ? await this.conversions.commit(outcomes) : new Map<string, 'applied' | 'skipped'>();
    const handOn: string[] = [];
    let failed = 0;
    for (const o of outcomes) {
      if (applied.get(o.messageId) !== 'applied') continue;
      if (o.kind === 'converted') handOn.push(o.messageId);
      else failed++;
    }
    const converted = handOn.length;
    // A lost hand-on is found again by the protect stage's recovery sweep (messages left `converted`).
    if (this.next && handOn.length > 0) await this.next.enqueue(handOn).catch(() => this.logger.warn(`protect job of ${handOn.length} not queued; recovery will`));
    const result = { converted, failed, skipped: asked - converted - failed };
    if (failed > 0) this.logger.warn(`job of ${asked}: ${converted} converted, ${failed} failed, ${result.skipped} skipped`);
    return result;
  }
}

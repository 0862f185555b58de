import { PeriodicRun } from './periodic-run.js';
import { silentLogger, type JobQueuePort, type MessageStorePort, type PipelineLogger } from './pipeline.ports.js';

/** Settings of a {@link RecoverySweeper}. */
export interface RecoverySweeperOptions {
  /** Messages `received` for longer than this are queued again. */
  readonly recoverAfterMillis: number;
  /** How often to look (default: half of recoverAfterMillis). */
  readonly intervalMillis?: number;
  /** Ids per sweep and per job. */
  readonly batchSize?: number;
}

/**
 * The queue may lose a job (Redis restart, in-process queue at a crash); the database is
 * the record of truth. The sweeper finds messages still `received` after a while and
 * queues them again; converting them twice is impossible (the store's commit guard).
 */
export class RecoverySweeper {
  private readonly periodic = new PeriodicRun(
    () => this.sweep(),
    (error) => this.logger.error(`recovery sweep failed: ${error instanceof Error ? error.name : typeof error}`),
  );

  constructor(
    private readonly messages: Pick<MessageStorePort, 'findReceivedBefore'>,
    private readonly queue: JobQueuePort,
    private readonly options: RecoverySweeperOptions,
    private readonly logger: PipelineLogger = silentLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sweeps once now, then periodically until {@link stop}. */
  start(): void {
    this.periodic.start(this.options.intervalMillis ?? Math.max(50, Math.floor(this.options.recoverAfterMillis / 2)));
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One sweep; resolves to the number of ids queued again. */
  async sweep(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    const cutoff = new Date(this.now() - this.options.recoverAfterMillis);
    const ids = await this.messages.findReceivedBefore(cutoff, batchSize * 20);
    for (let i = 0; i < ids.length; i += batchSize) {
      await this.queue.enqueue(ids.slice(i, i + batchSize));
    }
    if (ids.length > 0) this.logger.warn(`recovery sweep queued ${ids.length} messages again`);
    return ids.length;
  }
}

import { silentLogger, type JobQueuePort, type PipelineLogger } from './pipeline.ports.js';

/** Settings of a {@link BatchingEnqueuer}. */
export interface BatchingEnqueuerOptions {
  /** How long the first id of a batch may wait for others. */
  readonly windowMillis: number;
  /** A batch this big goes at once. */
  readonly maxIds: number;
}

/**
 * Gathers ids enqueued one at a time (DICOM intake commits each instance on its own) into one
 * job per short window, so the conversion sees a study's instances together and builds its
 * ImagingStudy once per window instead of once per instance. The ids are durable already (the
 * message store holds them `received`): a batch lost to a crash or a failed enqueue is found by
 * the recovery sweep, so `enqueue` never waits for the queue and never fails.
 */
export class BatchingEnqueuer implements JobQueuePort {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: JobQueuePort,
    private readonly options: BatchingEnqueuerOptions,
    private readonly logger: PipelineLogger = silentLogger,
  ) {}

  async enqueue(messageIds: readonly string[]): Promise<void> {
    this.pending.push(...messageIds);
    if (this.pending.length >= this.options.maxIds) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.windowMillis);
  }

  /** Sends what is gathered now, and waits for every send started so far. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const ids = this.pending;
    this.pending = [];
    const sent: Promise<void> = this.queue
      .enqueue(ids)
      .catch((error: unknown) => {
        this.logger.warn(`a conversion job of ${ids.length} ids was not queued (${error instanceof Error ? error.name : 'error'}); the recovery sweep will queue them`);
      })
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }
}

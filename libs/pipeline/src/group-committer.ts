/** Options of a {@link GroupCommitter}. */
export interface GroupCommitterOptions<T> {
  /** Flush as soon as this many items wait. */
  batchSize: number;
  /** Flush at most this long after the first item of a batch arrived (0 = next tick). */
  batchMillis: number;
  /** Writes one batch durably (one transaction). A rejection fails every item of the batch. */
  flush(items: T[]): Promise<void>;
  /** Flushes allowed at once; more batches wait. SQLite wants 1 (one connection). */
  maxConcurrentFlushes?: number;
  /** Called after a batch was flushed and its waiters resolved (e.g. to enqueue jobs). */
  afterFlush?(items: T[]): void;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: gathers items from every connection and writes them in one `flush` call
 * every `batchMillis` or `batchSize` items, whichever comes first. `submit` resolves only
 * once the item's batch is durable, which is the point an ACK may be sent.
 *
 * Batches are flushed in submission order; while `maxConcurrentFlushes` flushes are running,
 * new items keep gathering, so a slow database makes batches larger rather than queues longer.
 */
export class GroupCommitter<T> {
  private pending: Waiting<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly maxConcurrent: number;

  constructor(private readonly options: GroupCommitterOptions<T>) {
    if (options.batchSize < 1) throw new RangeError('batchSize must be at least 1');
    this.maxConcurrent = Math.max(1, options.maxConcurrentFlushes ?? 1);
  }

  /** Items waiting for a flush that has not started yet. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Resolves when the batch holding `item` has been flushed; rejects with the flush error. */
  submit(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('group committer is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.batchSize) {
        this.kick();
      } else if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.kick();
        }, this.options.batchMillis);
      }
    });
  }

  /** Flushes everything submitted so far and waits for every running flush. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight.size > 0) {
      this.kick();
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
    }
  }

  /** Refuses new items, then drains. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    this.clearTimer();
  }

  /** Starts as many flushes as allowed while items wait. */
  private kick(): void {
    while (this.pending.length > 0 && this.running < this.maxConcurrent) {
      this.clearTimer();
      const batch = this.pending.splice(0, this.options.batchSize);
      this.running++;
      const done = this.runFlush(batch).finally(() => {
        this.running--;
        this.inFlight.delete(done);
        this.afterRun();
      });
      this.inFlight.add(done);
    }
  }

  private afterRun(): void {
    if (this.pending.length === 0) return;
    // Items that gathered during the flush: a full batch goes at once; a partial one
    // also goes at once, because its items have already waited at least one flush.
    this.kick();
  }

  private async runFlush(batch: Waiting<T>[]): Promise<void> {
    const items = batch.map((w) => w.item);
    try {
      await this.options.flush(items);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
    try {
      this.options.afterFlush?.(items);
    } catch {
      // afterFlush is a best-effort hook (the items are already durable); it must not
      // turn a successful flush into an unhandled rejection.
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

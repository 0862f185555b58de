import { HieError } from '@hie/common';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MILLIS, backoffDelay } from './work-queue.js';
import type { ConsumeOptions, RetryOptions, WorkHandler, WorkQueue } from './work-queue.js';

interface Job {
  ids: string[];
  /** Tries made so far. */
  tries: number;
}

/**
 * The embedded queue: same contract as BullMQ, in memory, one process. Jobs left when the
 * process stops are found again through the message store's recovery sweep.
 */
export class InProcessQueue implements WorkQueue {
  private readonly waiting: Job[] = [];
  private readonly delayed = new Set<NodeJS.Timeout>();
  private active = 0;
  private handler: WorkHandler | undefined;
  private concurrency = 0;
  private closed = false;
  private readonly idle: (() => void)[] = [];
  private readonly attempts: number;
  private readonly backoffMillis: number;

  /** Called with PHI-free details when a job has used all its attempts (it is then dropped). */
  onExhausted: ((details: { ids: number; attempts: number; error: unknown }) => void) | undefined;

  constructor(options: RetryOptions = {}) {
    this.attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    this.backoffMillis = options.backoffMillis ?? DEFAULT_BACKOFF_MILLIS;
  }

  async enqueue(messageIds: readonly string[]): Promise<void> {
    if (this.closed) throw new HieError('QUEUE_CLOSED', 'The queue is closed');
    if (messageIds.length === 0) return;
    this.waiting.push({ ids: [...messageIds], tries: 0 });
    this.pump();
  }

  consume(handler: WorkHandler, options: ConsumeOptions): void {
    if (this.handler) throw new HieError('QUEUE_ALREADY_CONSUMING', 'This queue already has a consumer');
    this.handler = handler;
    this.concurrency = Math.max(1, Math.trunc(options.concurrency));
    this.pump();
  }

  async depth(): Promise<number> {
    return this.waiting.length + this.delayed.size + this.active;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (!this.closed && this.handler && this.active < this.concurrency && this.waiting.length > 0) {
      this.run(this.handler, this.waiting.shift()!);
    }
  }

  private run(handler: WorkHandler, job: Job): void {
    this.active++;
    job.tries++;
    // Deferred a tick so enqueue() returns before the handler starts, as it does with BullMQ.
    void Promise.resolve()
      .then(() => handler([...job.ids]))
      .catch((error: unknown) => this.retry(job, error))
      .finally(() => {
        this.active--;
        if (this.active === 0 && this.closed) this.idle.splice(0).forEach((resolve) => resolve());
        this.pump();
      });
  }

  private retry(job: Job, error: unknown): void {
    if (this.closed) return;
    if (job.tries >= this.attempts) {
      this.onExhausted?.({ ids: job.ids.length, attempts: job.tries, error });
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.waiting.push(job);
      this.pump();
    }, backoffDelay(this.backoffMillis, job.tries));
    this.delayed.add(timer);
  }
}

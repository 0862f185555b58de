/** Handles the message ids of one job; a rejection makes the job retry with backoff. */
export type WorkHandler = (messageIds: string[]) => Promise<void>;

/** Options of {@link WorkQueue.consume}. */
export interface ConsumeOptions {
  /** Jobs handled at once by this process. */
  concurrency: number;
}

/** Retry policy shared by both drivers. */
export interface RetryOptions {
  /** Total tries of a job, first one included. Default 10. */
  attempts?: number;
  /** Delay before the first retry; doubled each time. Default 1000 ms. */
  backoffMillis?: number;
}

/**
 * The queue of conversion work: message ids, many per job. Not the record of truth (the
 * message store is): a lost job is found again by the pipeline's recovery sweep.
 */
export interface WorkQueue {
  /** Queues a batch of message ids to convert (one job per call). */
  enqueue(messageIds: readonly string[]): Promise<void>;
  /** Starts consuming in this process. A rejection retries with exponential backoff. */
  consume(handler: WorkHandler, options: ConsumeOptions): void;
  /** Jobs waiting, delayed for a retry, or active. */
  depth(): Promise<number>;
  /** Stops consuming (waits for active jobs to settle) and releases connections. */
  close(): Promise<void>;
}

/** Default retry policy. */
export const DEFAULT_ATTEMPTS = 10;
export const DEFAULT_BACKOFF_MILLIS = 1000;

/** The delay before retry n (1-based) under exponential backoff, capped at 5 minutes. */
export function backoffDelay(baseMillis: number, retry: number): number {
  return Math.min(baseMillis * 2 ** (retry - 1), 300_000);
}

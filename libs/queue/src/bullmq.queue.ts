import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { HieError } from '@hie/common';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MILLIS } from './work-queue.js';
import type { ConsumeOptions, RetryOptions, WorkHandler, WorkQueue } from './work-queue.js';

/** The job payload: message ids only (no PHI ever goes to Redis). */
interface ConvertJob {
  ids: string[];
}

/** Options of {@link BullMqQueue}. */
export interface BullMqQueueOptions extends RetryOptions {
  redisUrl: string;
  /** BullMQ key prefix: one per deployment (or test run), so they never share jobs. */
  prefix: string;
  /** Default `convert`. */
  queueName?: string;
}

/**
 * BullMQ on Redis: producers and workers in any number of processes or machines share the
 * jobs of one `prefix` + queue name. Completed jobs are removed at once.
 */
export class BullMqQueue implements WorkQueue {
  private readonly queue: Queue<ConvertJob>;
  private readonly connection: Redis;
  private worker: Worker<ConvertJob> | undefined;
  private readonly name: string;

  constructor(private readonly options: BullMqQueueOptions) {
    this.name = options.queueName ?? 'convert';
    // Workers need no request retry limit (BullMQ's blocking commands); queue and worker share the option.
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.queue = new Queue<ConvertJob>(this.name, {
      connection: this.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: options.attempts ?? DEFAULT_ATTEMPTS,
        backoff: { type: 'exponential', delay: options.backoffMillis ?? DEFAULT_BACKOFF_MILLIS },
        removeOnComplete: true,
        // Kept a while for inspection; the message store remains the record of what failed.
        removeOnFail: { count: 1000 },
      },
    });
  }

  async enqueue(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.queue.add('convert', { ids: [...messageIds] });
  }

  consume(handler: WorkHandler, options: ConsumeOptions): void {
    if (this.worker) throw new HieError('QUEUE_ALREADY_CONSUMING', 'This queue already has a consumer');
    this.worker = new Worker<ConvertJob>(
      this.name,
      async (job) => {
        await handler([...job.data.ids]);
      },
      {
        connection: this.connection,
        prefix: this.options.prefix,
        concurrency: Math.max(1, Math.trunc(options.concurrency)),
      },
    );
    // A Redis hiccup surfaces here; BullMQ reconnects by itself. Without a listener Node would crash.
    this.worker.on('error', () => undefined);
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.connection.disconnect();
  }
}

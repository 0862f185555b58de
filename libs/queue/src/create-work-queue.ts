import type { HieConfig } from '@hie/config';
import { BullMqQueue } from './bullmq.queue.js';
import { InProcessQueue } from './in-process.queue.js';
import type { RetryOptions, WorkQueue } from './work-queue.js';

/** The work queue the configuration names: BullMQ on Redis, or the in-process default. */
export function createWorkQueue(config: HieConfig['queue'], options: { queueName?: string } & RetryOptions = {}): WorkQueue {
  if (config.kind === 'bullmq') {
    return new BullMqQueue({ redisUrl: config.redisUrl, prefix: config.prefix, ...options });
  }
  return new InProcessQueue(options);
}

/**
 * The conversion work queue: BullMQ on Redis (workers on any number of machines) or an
 * in-process runner with the same contract. Jobs carry message ids only.
 */
export type { WorkQueue, WorkHandler, ConsumeOptions, RetryOptions } from './work-queue.js';
export { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MILLIS } from './work-queue.js';
export { InProcessQueue } from './in-process.queue.js';
export { BullMqQueue } from './bullmq.queue.js';
export type { BullMqQueueOptions } from './bullmq.queue.js';
export { createWorkQueue } from './create-work-queue.js';

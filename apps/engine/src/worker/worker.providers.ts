import type { Provider } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { ConversionDispatcher, ConversionWorker, RecoverySweeper, type ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { ConversionRepository, MessageRepository } from '@hie/store';
import { HIE_CONFIG, PROTECT_QUEUE, PROTECT_SWEEPER, PROTECTION_STACK, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';
import { WorkerRunner } from './worker-runner.service.js';

/** Workers: the conversion worker, the recovery sweeper, and the runner consuming the queue. */
export const workerProviders: Provider[] = [
  {
    provide: ConversionWorker,
    useFactory: (messages: MessageRepository, conversions: ConversionRepository, conversion: ConversionDispatcher, protect: WorkQueue | null) =>
      new ConversionWorker(messages, conversions, conversion, pipelineLogger('Worker'), protect ?? undefined),
    inject: [MessageRepository, ConversionRepository, ConversionDispatcher, PROTECT_QUEUE],
  },
  {
    provide: RecoverySweeper,
    useFactory: (messages: MessageRepository, queue: WorkQueue, c: HieConfig) =>
      new RecoverySweeper(messages, queue, { recoverAfterMillis: c.worker.recoverAfterMillis }, pipelineLogger('Recovery')),
    inject: [MessageRepository, WORK_QUEUE, HIE_CONFIG],
  },
  {
    provide: PROTECT_SWEEPER,
    useFactory: (stack: ProtectionStack | null, queue: WorkQueue | null, c: HieConfig) =>
      stack && queue
        ? new RecoverySweeper(
            { findReceivedBefore: (cutoff, limit) => stack.records.findConvertedBefore(cutoff, limit) },
            queue,
            { recoverAfterMillis: c.worker.recoverAfterMillis },
            pipelineLogger('Recovery'),
          )
        : null,
    inject: [PROTECTION_STACK, PROTECT_QUEUE, HIE_CONFIG],
  },
  WorkerRunner,
];

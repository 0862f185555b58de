import type { Provider } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { ConversionWorker, Hl7Conversion, RecoverySweeper } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { ConversionRepository, MessageRepository } from '@hie/store';
import { HIE_CONFIG, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';
import { WorkerRunner } from './worker-runner.service.js';

/** Workers: the conversion worker, the recovery sweeper, and the runner consuming the queue. */
export const workerProviders: Provider[] = [
  {
    provide: ConversionWorker,
    useFactory: (messages: MessageRepository, conversions: ConversionRepository, conversion: Hl7Conversion) =>
      new ConversionWorker(messages, conversions, conversion, pipelineLogger('Worker')),
    inject: [MessageRepository, ConversionRepository, Hl7Conversion],
  },
  {
    provide: RecoverySweeper,
    useFactory: (messages: MessageRepository, queue: WorkQueue, c: HieConfig) =>
      new RecoverySweeper(messages, queue, { recoverAfterMillis: c.worker.recoverAfterMillis }, pipelineLogger('Recovery')),
    inject: [MessageRepository, WORK_QUEUE, HIE_CONFIG],
  },
  WorkerRunner,
];

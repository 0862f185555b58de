import type { Provider } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import type { MappingSet } from '@hie/mapping';
import { IntakeService } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { MessageRepository } from '@hie/store';
import { HIE_CONFIG, MAPPING_SET, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';
import { MllpListener } from './mllp-listener.service.js';

/** Intake: the group-committing intake service and the MLLP listener. */
export const intakeProviders: Provider[] = [
  {
    provide: IntakeService,
    useFactory: (messages: MessageRepository, queue: WorkQueue, c: HieConfig, mappings: MappingSet) =>
      new IntakeService(
        messages,
        queue,
        {
          batchSize: c.intake.batchSize,
          batchMillis: c.intake.batchMillis,
          // SQLite has one connection: one transaction at a time.
          maxConcurrentFlushes: c.database.kind === 'sqlite' ? 1 : 2,
          maxMessageBytes: c.limits.maxMessageBytes,
          mappings,
        },
        pipelineLogger('Intake'),
      ),
    inject: [MessageRepository, WORK_QUEUE, HIE_CONFIG, MAPPING_SET],
  },
  MllpListener,
];

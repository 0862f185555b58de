import type { Provider } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import type { MappingSet } from '@hie/mapping';
import { CdaConversion, CdaIntakeService, ConversionDispatcher, ConversionWorker, IntakeService, xmlLimitsOf } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { ConversionRepository, MessageRepository } from '@hie/store';
import { HIE_CONFIG, MAPPING_SET, PROTECT_QUEUE, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';
import { MllpListener } from './mllp-listener.service.js';

/** Intake: the group-committing intake service, the CDA intake (`POST /cda`) and the MLLP listener. */
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
  {
    provide: CdaIntakeService,
    useFactory: (
      intake: IntakeService,
      cda: CdaConversion,
      messages: MessageRepository,
      conversions: ConversionRepository,
      dispatcher: ConversionDispatcher,
      protect: WorkQueue | null,
      c: HieConfig,
    ) =>
      new CdaIntakeService(
        intake,
        cda,
        // `?sync=true` records its conversion as the worker would (commit guard, hand-on to
        // protect), also in an intake-only process, which has no worker of its own.
        new ConversionWorker(messages, conversions, dispatcher, pipelineLogger('Intake'), protect ?? undefined),
        { limits: xmlLimitsOf(c) },
        pipelineLogger('Intake'),
      ),
    inject: [IntakeService, CdaConversion, MessageRepository, ConversionRepository, ConversionDispatcher, PROTECT_QUEUE, HIE_CONFIG],
  },
  MllpListener,
];

import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { HieConfig } from '@hie/config';
import type { FhirValidator } from '@hie/fhir';
import { ConversionDispatcher, ConversionWorker, DicomConversion, loadDicomMappings, RecoverySweeper, type ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { ConversionRepository, DicomInstanceRepository, FhirRepository, MessageRepository } from '@hie/store';
import { DATA_SOURCE, FHIR_VALIDATOR, HIE_CONFIG, PROTECT_QUEUE, PROTECT_SWEEPER, PROTECTION_STACK, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';
import { WorkerRunner } from './worker-runner.service.js';

/** Workers: the conversion worker, the recovery sweeper, and the runner consuming the queue. */
export const workerProviders: Provider[] = [
  {
    // DICOM instances → ImagingStudy: reads the instance index and the FHIR store, so only the worker has it.
    provide: DicomConversion,
    useFactory: async (ds: DataSource, fhir: FhirRepository, v: FhirValidator, c: HieConfig): Promise<DicomConversion> => {
      const tables = await loadDicomMappings(c.mappingsDir);
      new Logger('Mappings').log('DICOM tables loaded');
      return DicomConversion.fromConfig(tables, v, new DicomInstanceRepository(ds), fhir, c);
    },
    inject: [DATA_SOURCE, FhirRepository, FHIR_VALIDATOR, HIE_CONFIG],
  },
  {
    provide: ConversionWorker,
    useFactory: (
      messages: MessageRepository,
      conversions: ConversionRepository,
      conversion: ConversionDispatcher,
      dicom: DicomConversion,
      protect: WorkQueue | null,
    ) => new ConversionWorker(messages, conversions, conversion.withDicom(dicom), pipelineLogger('Worker'), protect ?? undefined),
    inject: [MessageRepository, ConversionRepository, ConversionDispatcher, DicomConversion, PROTECT_QUEUE],
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

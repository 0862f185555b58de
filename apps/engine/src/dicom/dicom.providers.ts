import { Inject, Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { HieConfig } from '@hie/config';
import { BatchingEnqueuer, DicomIntakeService, openProtectionStack, type ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { DicomInstanceRepository, MessageRepository } from '@hie/store';
import { DATA_SOURCE, DICOM_INTAKE, HIE_CONFIG, PROTECTION_STACK, WORK_QUEUE } from '../core/engine.tokens.js';
import { pipelineLogger } from '../core/nest-pipeline-logger.js';

/** The keyring, data keys and content store DICOM intake encrypts with, and whether it opened them itself. */
export interface DicomStorage {
  readonly stack: ProtectionStack;
  readonly owned: boolean;
}

/** The storage DICOM intake uses; WADO-RS (dicomweb.providers.ts) reads instances back through it. */
export const DICOM_STORAGE = Symbol('DICOM_STORAGE');

/**
 * Closes the storage DICOM intake opened itself (only when protect & anchor is off: otherwise it
 * shares the protection stack, which EngineShutdown closes).
 */
@Injectable()
export class DicomStorageShutdown implements OnApplicationShutdown {
  constructor(@Inject(DICOM_STORAGE) private readonly storage: DicomStorage) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.storage.owned) await this.storage.stack.close();
  }
}

/**
 * DICOM intake for the intake roles: DicomIntakeService on the same database, keyring, data keys,
 * content store and conversion queue as the rest of the engine. Instances are encrypted whatever
 * `HIE_PROTECT` says (pixels never reach storage in clear): with protect & anchor off, intake
 * opens the keyring and content store itself; its protected records then wait unbatched, like
 * everything else in that mode.
 */
export const dicomProviders: Provider[] = [
  { provide: DicomInstanceRepository, useFactory: (ds: DataSource) => new DicomInstanceRepository(ds), inject: [DATA_SOURCE] },
  {
    provide: DICOM_STORAGE,
    useFactory: async (shared: ProtectionStack | null, c: HieConfig, ds: DataSource): Promise<DicomStorage> => {
      if (shared) return { stack: shared, owned: false };
      const stack = await openProtectionStack(c.protect, ds, pipelineLogger('Dicom'));
      new Logger('Dicom').log(`protect & anchor is off: DICOM intake opened its own keyring and ${stack.contents.kind} content store`);
      return { stack, owned: true };
    },
    inject: [PROTECTION_STACK, HIE_CONFIG, DATA_SOURCE],
  },
  {
    provide: DICOM_INTAKE,
    useFactory: (storage: DicomStorage, instances: DicomInstanceRepository, messages: MessageRepository, queue: WorkQueue, c: HieConfig) =>
      new DicomIntakeService(
        {
          store: instances,
          messages,
          keys: storage.stack.dataKeys,
          contents: storage.stack.contents,
          hasher: storage.stack.hasher,
          // One conversion job per 200 ms of arrivals: a study's instances convert together.
          queue: new BatchingEnqueuer(queue, { windowMillis: 200, maxIds: 500 }, pipelineLogger('Dicom')),
          logger: pipelineLogger('Dicom'),
        },
        { idSecret: c.idSecret, maxHeaderBytes: c.dicom.maxHeaderBytes, ...(c.dicom.defaultIssuer ? { defaultIssuer: c.dicom.defaultIssuer } : {}) },
      ),
    inject: [DICOM_STORAGE, DicomInstanceRepository, MessageRepository, WORK_QUEUE, HIE_CONFIG],
  },
  { provide: DicomIntakeService, useExisting: DICOM_INTAKE },
  DicomStorageShutdown,
];

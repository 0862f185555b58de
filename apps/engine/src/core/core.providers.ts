import { Logger, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { HieConfig } from '@hie/config';
import { createR4Validator, type FhirValidator } from '@hie/fhir';
import type { MappingSet } from '@hie/mapping';
import {
  CdaConversion,
  ConversionDispatcher,
  Hl7Conversion,
  loadCdaMappings,
  loadMappings,
  openProtectionStack,
  ReprocessService,
  DicomRefusalRetrier,
  type DicomIntakeService,
  type ProtectionStack,
} from '@hie/pipeline';
import { createWorkQueue, type WorkQueue } from '@hie/queue';
import { ConversionRepository, FhirRepository, MessageRepository, openDatabase } from '@hie/store';
import { DATA_SOURCE, DICOM_INTAKE, FHIR_VALIDATOR, HIE_CONFIG, MAPPING_SET, PROTECT_QUEUE, PROTECTION_STACK, WORK_QUEUE } from './engine.tokens.js';
import { pipelineLogger } from './nest-pipeline-logger.js';

/** What every role needs: configuration, database, repositories, queue, maps (HL7 v2 and CDA), conversions and validator. */
export function coreProviders(config: HieConfig): Provider[] {
  return [
    { provide: HIE_CONFIG, useValue: config },
    {
      provide: DATA_SOURCE,
      useFactory: async (c: HieConfig) => {
        const dataSource = await openDatabase(c.database);
        new Logger('Database').log(`opened ${c.database.kind}`);
        return dataSource;
      },
      inject: [HIE_CONFIG],
    },
    { provide: MessageRepository, useFactory: (ds: DataSource) => new MessageRepository(ds), inject: [DATA_SOURCE] },
    { provide: ConversionRepository, useFactory: (ds: DataSource) => new ConversionRepository(ds), inject: [DATA_SOURCE] },
    { provide: FhirRepository, useFactory: (ds: DataSource) => new FhirRepository(ds), inject: [DATA_SOURCE] },
    { provide: WORK_QUEUE, useFactory: (c: HieConfig): WorkQueue => createWorkQueue(c.queue), inject: [HIE_CONFIG] },
    {
      provide: PROTECT_QUEUE,
      useFactory: (c: HieConfig): WorkQueue | null => (c.protect.enabled ? createWorkQueue(c.queue, { queueName: 'protect' }) : null),
      inject: [HIE_CONFIG],
    },
    {
      provide: PROTECTION_STACK,
      useFactory: async (c: HieConfig, ds: DataSource): Promise<ProtectionStack | null> => {
        if (!c.protect.enabled) return null;
        const stack = await openProtectionStack(c.protect, ds, pipelineLogger('Protect'));
        new Logger('Protect').log(`keyring ready; content store ${stack.contents.kind}; ledger ${stack.ledger.kind}`);
        return stack;
      },
      inject: [HIE_CONFIG, DATA_SOURCE],
    },
    { provide: FHIR_VALIDATOR, useFactory: (): FhirValidator => createR4Validator() },
    {
      provide: MAPPING_SET,
      useFactory: async (c: HieConfig): Promise<MappingSet> => {
        const mappings = await loadMappings(c.mappingsDir);
        new Logger('Mappings').log('mapping set loaded');
        return mappings;
      },
      inject: [HIE_CONFIG],
    },
    {
      provide: Hl7Conversion,
      useFactory: (m: MappingSet, v: FhirValidator, c: HieConfig) => Hl7Conversion.fromConfig(m, v, c),
      inject: [MAPPING_SET, FHIR_VALIDATOR, HIE_CONFIG],
    },
    {
      provide: CdaConversion,
      useFactory: async (v: FhirValidator, c: HieConfig): Promise<CdaConversion> => {
        const tables = await loadCdaMappings(c.mappingsDir);
        new Logger('Mappings').log('CDA tables loaded');
        return CdaConversion.fromConfig(tables, v, c);
      },
      inject: [FHIR_VALIDATOR, HIE_CONFIG],
    },
    {
      // What the worker (and the sync intake's recorder) converts with: by stored format, and
      // MDM messages that carry a CDA through the CDA conversion.
      provide: ConversionDispatcher,
      useFactory: (hl7: Hl7Conversion, cda: CdaConversion, c: HieConfig) => new ConversionDispatcher(hl7, cda, c.limits.maxMessageBytes),
      inject: [Hl7Conversion, CdaConversion, HIE_CONFIG],
    },
    {
      // Refused DICOM instances go through DICOM intake again (intake roles, where it exists).
      provide: ReprocessService,
      useFactory: (messages: MessageRepository, queue: WorkQueue, dicom: DicomIntakeService | undefined) =>
        new ReprocessService(messages, queue, undefined, dicom ? new DicomRefusalRetrier(messages, dicom, pipelineLogger('Reprocess')) : undefined),
      inject: [MessageRepository, WORK_QUEUE, { token: DICOM_INTAKE, optional: true }],
    },
  ];
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { HieConfig } from '@hie/config';
import { deidentifyPart10, parseDeidentifyProfile } from '@hie/dicom';
import { DicomInstanceVerifier, DicomQueryService, DicomRetrieveService, type DicomIntakeService } from '@hie/pipeline';
import { DicomInstanceRepository, DicomQueryRepository } from '@hie/store';
import { DATA_SOURCE, DICOM_INTAKE, HIE_CONFIG } from '../core/engine.tokens.js';
import { DICOM_STORAGE, type DicomStorage } from './dicom.providers.js';
import { DicomwebStowHandler } from './dicomweb-stow.handler.js';

/**
 * DICOMweb for the intake roles: STOW-RS hands parts to DICOM intake; QIDO-RS and WADO-RS read
 * the instance index and stream instances back through the same content store and data keys
 * intake sealed them with. Needs dicomProviders (DICOM_INTAKE, DICOM_STORAGE) in the module.
 */
export const dicomwebProviders: Provider[] = [
  { provide: DicomQueryRepository, useFactory: (ds: DataSource) => new DicomQueryRepository(ds), inject: [DATA_SOURCE] },
  { provide: DicomQueryService, useFactory: (index: DicomQueryRepository) => new DicomQueryService(index), inject: [DicomQueryRepository] },
  {
    provide: DicomRetrieveService,
    useFactory: async (index: DicomQueryRepository, storage: DicomStorage, c: HieConfig): Promise<DicomRetrieveService> => {
      // The profile is data (mappings/dicom): read once at start, so a bad table fails the boot, not a request.
      const profile = parseDeidentifyProfile(await readFile(join(c.mappingsDir, 'dicom', 'deidentify-basic-profile.yaml'), 'utf8'));
      return new DicomRetrieveService(
        {
          index,
          contents: storage.stack.contents,
          keys: storage.stack.dataKeys,
          deidentify: (bytes, options) => deidentifyPart10(bytes, { ...options, profile }),
        },
        { uidSecret: c.idSecret },
      );
    },
    inject: [DicomQueryRepository, DICOM_STORAGE, HIE_CONFIG],
  },
  {
    // `$verify` of an instance: the same keyring, content store and ledger intake and the anchor batcher use.
    provide: DicomInstanceVerifier,
    useFactory: (index: DicomInstanceRepository, storage: DicomStorage, c: HieConfig) => {
      const { records, contents, dataKeys, ledger, hasher } = storage.stack;
      return new DicomInstanceVerifier({ records, index, contents, keys: dataKeys, ledger, hasher }, { idSecret: c.idSecret });
    },
    inject: [DicomInstanceRepository, DICOM_STORAGE, HIE_CONFIG],
  },
  { provide: DicomwebStowHandler, useFactory: (intake: DicomIntakeService) => new DicomwebStowHandler(intake), inject: [DICOM_INTAKE] },
];

import { Module, type DynamicModule } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { coreProviders } from './core/core.providers.js';
import { EngineShutdown } from './core/engine-shutdown.service.js';
import { FhirController } from './fhir/fhir.controller.js';
import { FhirReadService } from './fhir/fhir-read.service.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { dicomProviders } from './dicom/dicom.providers.js';
import { DimseListener } from './dicom/dimse-listener.service.js';
import { DicomwebController } from './dicom/dicomweb.controller.js';
import { dicomwebProviders } from './dicom/dicomweb.providers.js';
import { CdaController } from './intake/cda.controller.js';
import { Hl7v2Controller } from './intake/hl7v2.controller.js';
import { intakeProviders } from './intake/intake.providers.js';
import { MessageQueryService } from './messages/message-query.service.js';
import { MessagesController } from './messages/messages.controller.js';
import { workerProviders } from './worker/worker.providers.js';
import { AdminController } from './protect/admin.controller.js';
import { AdminTokenGuard } from './protect/admin-token.guard.js';
import { VerifyController } from './protect/verify.controller.js';

/** True when this process runs the listeners (MLLP + HTTP). */
export function runsIntake(config: HieConfig): boolean {
  return config.role !== 'worker';
}

/** True when this process consumes conversion jobs. */
export function runsWorkers(config: HieConfig): boolean {
  return config.role !== 'intake';
}

/** The engine, assembled for the role in its configuration. */
@Module({})
export class EngineModule {
  static register(config: HieConfig): DynamicModule {
    const intake = runsIntake(config);
    return {
      module: EngineModule,
      controllers: intake ? [Hl7v2Controller, CdaController, VerifyController, FhirController, MessagesController, HealthController, AdminController, DicomwebController] : [],
      providers: [
        ...coreProviders(config),
        ...(intake ? [...intakeProviders, ...dicomProviders, DimseListener, ...dicomwebProviders, FhirReadService, MessageQueryService, HealthService, AdminTokenGuard] : []),
        ...(runsWorkers(config) ? workerProviders : []),
        EngineShutdown,
      ],
    };
  }
}

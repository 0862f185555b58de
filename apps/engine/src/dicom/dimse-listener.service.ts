import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { TRANSFER_SYNTAXES } from '@hie/dicom';
import type { DicomIntakeService } from '@hie/pipeline';
import { DimseServer } from '@hie/transport';
import { DICOM_INTAKE, HIE_CONFIG } from '../core/engine.tokens.js';

/**
 * The DIMSE edge: a Storage SCP (C-ECHO, C-STORE) on `config.dicom` whose every C-STORE data set
 * streams into DICOM intake; the intake's result becomes the C-STORE status.
 */
@Injectable()
export class DimseListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DIMSE');
  private server: DimseServer | undefined;
  /** The bound address once listening (port 0 in config picks a free port). */
  address: { host: string; port: number } | undefined;

  constructor(
    @Inject(HIE_CONFIG) private readonly config: HieConfig,
    @Inject(DICOM_INTAKE) private readonly intake: DicomIntakeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dicom = this.config.dicom;
    if (!dicom.enabled) return;
    this.server = new DimseServer({
      host: dicom.host,
      port: dicom.port,
      aeTitle: dicom.aeTitle,
      callingAeTitles: dicom.callingAeTitles,
      transferSyntaxUids: new Set(TRANSFER_SYNTAXES.keys()),
      onStore: (store) =>
        this.intake.accept({
          channel: 'dimse',
          body: store.body,
          datasetTransferSyntaxUid: store.transferSyntaxUid,
          announced: { sopClassUid: store.sopClassUid, sopInstanceUid: store.sopInstanceUid },
          callingAeTitle: store.callingAeTitle,
        }),
      logger: this.logger,
    });
    this.address = await this.server.listen();
  }

  /** Stops accepting first; C-STOREs in flight still get their response (intake drains after). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    await this.server.close();
    this.server = undefined;
    this.logger.log('stopped');
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { IntakeService } from '@hie/pipeline';
import { MllpServer } from '@hie/transport';
import { HIE_CONFIG } from '../core/engine.tokens.js';

/** The MLLP edge: every frame goes to the intake service; its ACK goes back in order. */
@Injectable()
export class MllpListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MLLP');
  private server: MllpServer | undefined;
  /** The bound address once listening (port 0 in config picks a free port). */
  address: { host: string; port: number } | undefined;

  constructor(
    @Inject(HIE_CONFIG) private readonly config: HieConfig,
    @Inject(IntakeService) private readonly intake: IntakeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.mllp.enabled) return;
    this.server = new MllpServer({
      host: this.config.mllp.host,
      port: this.config.mllp.port,
      maxFrameBytes: this.config.limits.maxFrameBytes,
      onMessage: (payload) => this.intake.accept(payload, 'mllp'),
      onOversize: (head, totalBytes) => this.intake.acceptOversize(head, totalBytes, 'mllp'),
      logger: this.logger,
    });
    this.address = await this.server.listen();
  }

  /** Stops accepting first; in-flight frames still get their ACK (intake drains after). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    await this.server.close();
    this.server = undefined;
    this.logger.log('stopped');
  }
}

import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IntakeService, type ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { WorkerRunner } from '../worker/worker-runner.service.js';
import { DATA_SOURCE, PROTECT_QUEUE, PROTECTION_STACK, WORK_QUEUE } from './engine.tokens.js';

/**
 * Closes resources in the one safe order, after the listeners stopped (MLLP in
 * beforeApplicationShutdown, HTTP by Nest): drain the group commit (so every ACK already
 * promised is durable and its ids queued), stop the sweep, close the queue (lets active
 * jobs finish; conversion first, since it feeds the protect queue), close the content store
 * and ledger, then close the database.
 */
@Injectable()
export class EngineShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(PROTECT_QUEUE) private readonly protectQueue: WorkQueue | null,
    @Inject(PROTECTION_STACK) private readonly protection: ProtectionStack | null,
    @Optional() @Inject(IntakeService) private readonly intake?: IntakeService,
    @Optional() @Inject(WorkerRunner) private readonly worker?: WorkerRunner,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}`);
    await this.intake?.close();
    await this.worker?.stop();
    await this.queue.close();
    await this.protectQueue?.close();
    await this.protection?.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.log('stopped');
  }
}

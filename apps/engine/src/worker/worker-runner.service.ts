import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { ConversionWorker, RecoverySweeper, type ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { HIE_CONFIG, PROTECT_QUEUE, PROTECT_SWEEPER, PROTECTION_STACK, WORK_QUEUE } from '../core/engine.tokens.js';

/**
 * Consumes conversion and protect jobs, runs the anchor batcher and the recovery sweeps
 * (a thin adapter over the pipeline).
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(HIE_CONFIG) private readonly config: HieConfig,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(ConversionWorker) private readonly worker: ConversionWorker,
    @Inject(RecoverySweeper) private readonly sweeper: RecoverySweeper,
    @Inject(PROTECT_QUEUE) private readonly protectQueue: WorkQueue | null,
    @Inject(PROTECTION_STACK) private readonly protection: ProtectionStack | null,
    @Inject(PROTECT_SWEEPER) private readonly protectSweeper: RecoverySweeper | null,
  ) {}

  onApplicationBootstrap(): void {
    const concurrency = this.config.worker.concurrency;
    this.queue.consume(async (ids) => void (await this.worker.handle(ids)), { concurrency });
    this.sweeper.start();
    if (this.protection && this.protectQueue) {
      const stack = this.protection;
      this.protectQueue.consume(async (ids) => void (await stack.worker.handle(ids)), { concurrency });
      stack.batcher.start();
      this.protectSweeper?.start();
    }
    this.logger.log(`consuming with concurrency ${concurrency}${this.protection ? '; protect & anchor on' : ''}`);
  }

  /** Stops the sweeps and the batcher; queues and stack are closed by the engine's shutdown sequence. */
  async stop(): Promise<void> {
    await Promise.all([this.sweeper.stop(), this.protectSweeper?.stop(), this.protection?.batcher.stop()]);
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { HieConfig } from '@hie/config';
import { ConversionWorker, RecoverySweeper } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { HIE_CONFIG, WORK_QUEUE } from '../core/engine.tokens.js';

/** Consumes conversion jobs and runs the recovery sweep (a thin adapter over the pipeline). */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(HIE_CONFIG) private readonly config: HieConfig,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(ConversionWorker) private readonly worker: ConversionWorker,
    @Inject(RecoverySweeper) private readonly sweeper: RecoverySweeper,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.consume(async (ids) => void (await this.worker.handle(ids)), { concurrency: this.config.worker.concurrency });
    this.sweeper.start();
    this.logger.log(`consuming with concurrency ${this.config.worker.concurrency}`);
  }

  /** Stops the sweep; the queue itself is closed by the engine's shutdown sequence. */
  stop(): Promise<void> {
    return this.sweeper.stop();
  }
}

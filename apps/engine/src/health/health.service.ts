import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProtectionStack } from '@hie/pipeline';
import type { WorkQueue } from '@hie/queue';
import { MessageRepository, type MessageStatus } from '@hie/store';
import { DATA_SOURCE, PROTECTION_STACK, WORK_QUEUE } from '../core/engine.tokens.js';

/** The engine's health as operators and orchestrators read it. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'error';
  queue: { depth: number | null };
  messages: Record<MessageStatus, number> | null;
  /** Where protect & anchor stands (null when off or unreadable). */
  protect: { storage: string; ledger: string; unbatchedRecords: number; pendingBatches: number; anchoredBatches: number } | null;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WORK_QUEUE) private readonly queue: WorkQueue,
    @Inject(MessageRepository) private readonly messages: MessageRepository,
    @Inject(PROTECTION_STACK) private readonly protection: ProtectionStack | null,
  ) {}

  async check(): Promise<HealthReport> {
    const stack = this.protection;
    const [database, depth, counts, stages] = await Promise.all([
      this.dataSource.query('SELECT 1').then(() => 'ok' as const, () => 'error' as const),
      this.queue.depth().catch(() => null),
      this.messages.countByStatus().catch(() => null),
      stack ? stack.records.stageCounts().catch(() => null) : Promise.resolve(null),
    ]);
    const protect = stack && stages ? { storage: stack.contents.kind, ledger: stack.ledger.kind, ...stages } : null;
    return { status: database === 'ok' && depth !== null ? 'ok' : 'degraded', database, queue: { depth }, messages: counts, protect };
  }
}

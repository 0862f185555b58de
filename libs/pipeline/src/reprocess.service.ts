import type { JobQueuePort, MessageStorePort, PipelineMessageFormat } from './pipeline.ports.js';

/** Which messages to convert again: explicit ids, or every failed one. */
export type ReprocessSelection = readonly string[] | { readonly status: 'failed' };

/**
 * Messages refused at intake whose kept bytes must go through intake again, not conversion (a
 * refused DICOM instance: intake's checks re-run on the bytes kept in the content store).
 */
export interface RefusedIntakeRetrier {
  /** Formats this retrier may own (others are never passed to it). */
  readonly formats: readonly PipelineMessageFormat[];
  /**
   * Re-runs intake on those of `ids` that are its refusals. `handled`: the ids it owned (whatever
   * the result); `accepted`: how many were accepted this time (now `received` and queued).
   */
  retryOwned(ids: readonly string[]): Promise<{ handled: ReadonlySet<string>; accepted: number }>;
}

/**
 * Converts messages again after a mapping fix: marks them `received` and queues them.
 * Messages refused at intake that a {@link RefusedIntakeRetrier} owns go through intake again
 * instead. Returns how many messages were marked (or re-accepted).
 */
export class ReprocessService {
  constructor(
    private readonly messages: Pick<MessageStorePort, 'markForReprocess' | 'list'>,
    private readonly queue: JobQueuePort,
    private readonly batchSize = 500,
    private readonly retrier?: RefusedIntakeRetrier,
  ) {}

  async reprocess(selection: ReprocessSelection): Promise<{ count: number }> {
    if (isIdList(selection)) {
      const ids = [...new Set(selection)];
      const retried = await this.retry(ids);
      return { count: retried.accepted + (await this.mark(ids.filter((id) => !retried.handled.has(id)))) };
    }
    let count = 0;
    let before: string | undefined;
    // Pages by cursor: a refusal retried and refused again stays `failed`, so "the first page
    // again" would not move on.
    for (;;) {
      const page: { id: string; format?: PipelineMessageFormat }[] = await this.messages.list({
        status: 'failed', limit: this.batchSize, ...(before ? { before } : {}),
      });
      if (page.length === 0) return { count };
      const candidates = page.filter((m) => m.format === undefined || (this.retrier?.formats.includes(m.format) ?? false)).map((m) => m.id);
      const retried = await this.retry(candidates);
      count += retried.accepted + (await this.mark(page.map((m) => m.id).filter((id) => !retried.handled.has(id))));
      if (page.length < this.batchSize) return { count };
      before = page[page.length - 1]!.id;
    }
  }

  private async retry(ids: readonly string[]): Promise<{ handled: ReadonlySet<string>; accepted: number }> {
    if (!this.retrier || ids.length === 0) return { handled: new Set(), accepted: 0 };
    return this.retrier.retryOwned(ids);
  }

  private async mark(ids: string[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < ids.length; i += this.batchSize) {
      const chunk = ids.slice(i, i + this.batchSize);
      const changed = await this.messages.markForReprocess(chunk);
      count += changed;
      if (changed > 0) await this.queue.enqueue(chunk);
    }
    return count;
  }
}

function isIdList(selection: ReprocessSelection): selection is readonly string[] {
  return Array.isArray(selection);
}

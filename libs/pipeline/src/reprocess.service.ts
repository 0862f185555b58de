import type { JobQueuePort, MessageStorePort } from './pipeline.ports.js';

/** Which messages to convert again: explicit ids, or every failed one. */
export type ReprocessSelection = readonly string[] | { readonly status: 'failed' };

/**
 * Converts messages again after a mapping fix: marks them `received` and queues them.
 * Returns how many messages were marked.
 */
export class ReprocessService {
  constructor(
    private readonly messages: Pick<MessageStorePort, 'markForReprocess' | 'list'>,
    private readonly queue: JobQueuePort,
    private readonly batchSize = 500,
  ) {}

  async reprocess(selection: ReprocessSelection): Promise<{ count: number }> {
    if (isIdList(selection)) return { count: await this.mark([...new Set(selection)]) };
    let count = 0;
    // Marking removes messages from the 'failed' list, so the first page is always fresh.
    for (;;) {
      const page = await this.messages.list({ status: 'failed', limit: this.batchSize });
      if (page.length === 0) return { count };
      const marked = await this.mark(page.map((m) => m.id));
      count += marked;
      if (marked === 0) return { count }; // nothing changed: stop rather than spin
    }
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

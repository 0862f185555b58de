/**
 * Mutual exclusion by key within one process: `run(keys, body)` waits until no other run holds
 * any of `keys`, then runs `body`. Keys are taken in sorted order, so two runs wanting
 * overlapping keys never wait on each other in a cycle.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], body: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await body();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Whether any run holds or waits for `key` (for tests). */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // The last holder of a key leaves no entry behind.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

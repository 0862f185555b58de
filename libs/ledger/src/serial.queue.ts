/**
 * Runs tasks one at a time in call order. A ledger's writes go through one: the embedded ledger
 * then retries only against other processes, and the EVM ledger can count its own nonces.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The next task waits for this one to settle, whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}

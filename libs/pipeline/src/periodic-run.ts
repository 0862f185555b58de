/**
 * Runs a task now and then every `everyMillis` until stopped, never two runs at once (a run
 * still going when the next is due is not doubled, the next one is skipped). The timer does not
 * keep the process alive. Shared by the recovery sweeps and the anchor batcher.
 */
export class PeriodicRun {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly task: () => Promise<unknown>,
    /** Called with what a run rejected with (the run itself is then over). */
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(everyMillis: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), everyMillis);
    this.timer.unref();
    void this.runOnce();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = this.task().then(
      () => undefined,
      (error: unknown) => this.onError(error),
    );
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }
}

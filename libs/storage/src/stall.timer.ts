/**
 * An abort signal that fires when progress stops for `millis` (not after a fixed total time): a
 * 500 MB fetch may take minutes, but a fetch that receives nothing for the timeout has failed.
 * Paused while the consumer holds a chunk, so a slow reader is not taken for a dead peer.
 */
export class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private firedFlag = false;

  constructor(private readonly millis: number) {
    this.resume();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the timeout elapsed (and the signal aborted because of it). */
  get fired(): boolean {
    return this.firedFlag;
  }

  /** Stops the clock (while the consumer works, or for good). */
  pause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Restarts the full timeout: progress was made, or the consumer asked for more. */
  resume(): void {
    this.pause();
    if (this.firedFlag) return;
    this.timer = setTimeout(() => {
      this.firedFlag = true;
      this.controller.abort(new Error(`no progress for ${this.millis} ms`));
    }, this.millis);
  }
}

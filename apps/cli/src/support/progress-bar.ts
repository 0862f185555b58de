/** Where the bar draws: a stream that may or may not be a terminal. */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A hand-rolled progress bar. On a terminal it redraws one line (at most every 100 ms);
 * elsewhere (CI logs, pipes) it prints a plain line every 10 %, so logs stay readable.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly out: ProgressOutput,
    private readonly label = 'sent',
  ) {}

  tick(n = 1): void {
    this.done += n;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw >= 100 || this.done >= this.total) {
        this.lastDraw = now;
        this.out.write(`\r${this.line()}`);
      }
    } else {
      const decile = this.total === 0 ? 10 : Math.floor((this.done / this.total) * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${this.line()}\n`);
      }
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.out.isTTY) this.out.write(`\r${this.line()}\n`);
  }

  /** The bar's text, e.g. `[#####.....]  50% 500/1000 sent 812/s`. */
  line(): string {
    const ratio = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 40));
    const filled = Math.round(ratio * width);
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const rate = Math.round(this.done / seconds);
    const pct = String(Math.floor(ratio * 100)).padStart(3);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${this.done}/${this.total} ${this.label} ${rate}/s`;
  }
}

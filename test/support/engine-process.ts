import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { repoRoot } from './hl7-text.js';

/**
 * Where the built `dist/` and `bin/` are: the repository, or a snapshot copy named by
 * HIE_DIST_ROOT (so a long test run is not broken by someone rebuilding, which deletes dist/).
 */
export const distRoot = process.env.HIE_DIST_ROOT ?? repoRoot;
/** The built engine: tests run what `npm start` runs, not the sources. */
export const engineMain = join(distRoot, 'dist/apps/engine/apps/engine/src/main.js');

export type EngineRole = 'all' | 'intake' | 'worker';

export interface EngineOptions {
  role?: EngineRole;
  /** Extra settings (DATABASE_URL, REDIS_URL, HIE_QUEUE_PREFIX, HIE_INTAKE_BATCH_SIZE...). */
  env?: Readonly<Record<string, string>>;
  /** HIE_DATA_DIR; a fresh temp dir (removed on dispose) when not given. */
  dataDir?: string;
  readyTimeoutMillis?: number;
  /** For workers (no HTTP port): the output line that says the worker is up. */
  workerReadyPattern?: RegExp;
}

const live = new Set<ChildProcess>();
// A crashed test must not leave engines behind holding ports and database connections.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const MAX_OUTPUT = 2_000_000;
const WORKER_READY = /ready \{"role":"worker"/;

/**
 * The engine as a child process (`node dist/apps/engine/apps/engine/src/main.js`), with its own
 * ports and data dir, and nothing inherited from the caller's HIE_* / DATABASE_URL / REDIS_URL.
 */
export class EngineProcess {
  private child: ChildProcess | undefined;
  private outputText = '';
  private exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private readonly ownsDataDir: boolean;

  private constructor(
    readonly role: EngineRole,
    readonly env: Readonly<Record<string, string>>,
    readonly dataDir: string,
    readonly mllpHost: string,
    readonly mllpPort: number,
    readonly httpPort: number,
    ownsDataDir: boolean,
    private readonly options: EngineOptions,
  ) {
    this.ownsDataDir = ownsDataDir;
  }

  static async start(options: EngineOptions = {}): Promise<EngineProcess> {
    const role = options.role ?? 'all';
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hie-e2e-'));
    const host = '127.0.0.1';
    const listens = role !== 'worker';
    const mllpPort = listens ? await freePort(host) : 0;
    const httpPort = listens ? await freePort(host) : 0;
    // Every engine gets its own DIMSE port too (the default 11112 would clash between engines).
    const dicomPort = listens ? await freePort(host) : 0;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      NO_COLOR: '1',
      HIE_ROLE: role,
      HIE_DATA_DIR: dataDir,
      HIE_MLLP_HOST: host,
      HIE_HTTP_HOST: host,
      HIE_MLLP_PORT: String(mllpPort),
      HIE_HTTP_PORT: String(httpPort),
      HIE_DICOM_HOST: host,
      HIE_DICOM_PORT: String(dicomPort),
      ...options.env,
    };
    const engine = new EngineProcess(role, env, dataDir, host, mllpPort, httpPort, options.dataDir === undefined, options);
    await engine.launch();
    return engine;
  }

  get httpUrl(): string {
    return `http://${this.mllpHost}:${this.httpPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the engine wrote to stdout and stderr (all runs of it). */
  get output(): string {
    return this.outputText;
  }

  /** Resolves when the engine's output (from now on or already) matches `pattern`. */
  async waitForOutput(pattern: RegExp, timeoutMillis = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (!pattern.test(this.outputText)) {
      if (!this.running) throw new Error(`engine exited before printing ${pattern}\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`engine did not print ${pattern} in ${timeoutMillis} ms\n${this.tail()}`);
      await sleep(25);
    }
  }

  /** Sends `signal` and waits for the exit. SIGKILL is the crash test's `kill -9`. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const exit = this.exitPromise;
    if (!this.child || !exit || !this.running) return exit ? await exit : { code: null, signal: null };
    this.child.kill(signal);
    return exit;
  }

  /** Clean shutdown (SIGTERM); SIGKILL when it does not exit in time. */
  async stop(timeoutMillis = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }> {
    if (!this.child || !this.exitPromise || !this.running) {
      const r = this.exitPromise ? await this.exitPromise : { code: null, signal: null };
      return { ...r, forced: false };
    }
    const exit = this.exitPromise;
    this.child.kill('SIGTERM');
    const timer = sleep(timeoutMillis).then(() => 'timeout' as const);
    const first = await Promise.race([exit, timer]);
    if (first === 'timeout') {
      this.child.kill('SIGKILL');
      return { ...(await exit), forced: true };
    }
    return { ...first, forced: false };
  }

  /** Starts the same engine again (same env, ports and data dir) after a stop or kill. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.launch();
  }

  /** Stops the engine and removes its temp data dir. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The last lines of output, for failure messages. */
  tail(lines = 40): string {
    return this.outputText.split('\n').slice(-lines).join('\n');
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [engineMain], {
      cwd: repoRoot,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    const append = (chunk: Buffer): void => {
      this.outputText += chunk.toString('utf8');
      if (this.outputText.length > MAX_OUTPUT) this.outputText = this.outputText.slice(-MAX_OUTPUT / 2);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      });
    });
    const timeout = this.options.readyTimeoutMillis ?? 60_000;
    try {
      if (this.role === 'worker') await this.waitForWorker(timeout);
      else await this.waitForHealth(timeout);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  private async waitForHealth(timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      if (!this.running) throw new Error(`engine (${this.role}) exited during start\n${this.tail()}`);
      try {
        const response = await fetch(`${this.httpUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`engine (${this.role}) not healthy in ${timeoutMillis} ms\n${this.tail()}`);
      await sleep(50);
    }
  }

  private async waitForWorker(timeoutMillis: number): Promise<void> {
    // No port to probe: the engine logs `ready {"role":"worker",...}` once it consumes.
    const pattern = this.options.workerReadyPattern ?? WORKER_READY;
    const offset = this.outputText.length;
    const deadline = Date.now() + timeoutMillis;
    while (!pattern.test(this.outputText.slice(offset))) {
      if (!this.running) throw new Error(`worker exited during start\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`worker not ready in ${timeoutMillis} ms\n${this.tail()}`);
      await sleep(25);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

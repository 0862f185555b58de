import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { repoRoot } from './hl7-text.js';

/** A running `hardhat node` (Hardhat Network over JSON-RPC on loopback). */
export interface HardhatNode {
  /** http://127.0.0.1:<port> */
  readonly rpcUrl: string;
  readonly port: number;
  /** 0x-prefixed private key of the funded account #0 (Hardhat's well-known test mnemonic). */
  readonly privateKey: string;
  /** Kills the node's process group; its chain state is gone (Hardhat 2 keeps none on disk). */
  stop(): Promise<void>;
}

/** Account #0 of Hardhat's default "test test ... junk" mnemonic: public knowledge, test only. */
export const HARDHAT_ACCOUNT_0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const READY_LINE = 'Started HTTP and WebSocket JSON-RPC server';

/**
 * Starts `hardhat node` on a free loopback port with test/support/hardhat.config.cjs
 * (chainId 31337, automine, no compile, offline) and resolves once it prints its ready line.
 * The node runs in its own process group so stop() also ends anything it spawned.
 */
export async function startHardhatNode(options: { startTimeoutMillis?: number } = {}): Promise<HardhatNode> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hie-hardhat-'));
  const child = spawn(
    join(repoRoot, 'node_modules/.bin/hardhat'),
    ['node', '--hostname', '127.0.0.1', '--port', String(port), '--config', join(repoRoot, 'test/support/hardhat.config.cjs')],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', HIE_HARDHAT_DIR: dir, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const killGroup = (signal: NodeJS.Signals): void => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If the test process dies without calling stop(), do not leave a node behind.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);

  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`hardhat node did not start in time:\n${output.slice(-2000)}`)),
        options.startTimeoutMillis ?? 60_000,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`hardhat node exited before it was ready:\n${output.slice(-2000)}`));
      });
    });
  } catch (error) {
    killGroup('SIGKILL');
    await exit;
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Keep draining the pipes so the node never blocks on a full one; drop what it says.
  output = '';
  child.stdout.removeAllListeners('data').resume();
  child.stderr.removeAllListeners('data').resume();

  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    privateKey: HARDHAT_ACCOUNT_0_KEY,
    async stop() {
      killGroup('SIGTERM');
      const killer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

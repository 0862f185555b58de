// @ts-check
/**
 * A local EVM node for the benchmarks: `hardhat node` (Hardhat 2, offline, automine) with the
 * tests' config, the HieLedger contract deployed by the built ledger lib, and a few raw
 * JSON-RPC reads to count what reached the chain. Same logic as test/support/hardhat-node.ts
 * (bench is plain JS run by node, so it cannot import the TS helpers).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './engine.js';
import { importLib } from './libs.js';
import { repoRoot } from './paths.js';

/** Account #0 of Hardhat's default "test test ... junk" mnemonic: public knowledge, test only. */
export const HARDHAT_ACCOUNT_0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const READY_LINE = 'Started HTTP and WebSocket JSON-RPC server';

/**
 * Starts `hardhat node` on a free loopback port, deploys the HieLedger contract and resolves
 * with its address. stop() kills the node's process group (its chain is gone with it).
 * @returns {Promise<{ rpcUrl: string, privateKey: string, contract: string, deployBlock: number, pid: number | undefined, stop(): Promise<void> }>}
 */
export async function startHardhatWithContract() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hie-bench-hardhat-'));
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
  /** @type {Promise<void>} */
  const exit = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const killGroup = (/** @type {NodeJS.Signals} */ signal) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If the bench dies without calling stop(), do not leave a node behind.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    killGroup('SIGTERM');
    const killer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exit;
    clearTimeout(killer);
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  let output = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hardhat node did not start in time:\n${output.slice(-2000)}`)), 90_000);
      const onData = (/** @type {Buffer} */ chunk) => {
        output += chunk.toString('utf8');
        if (output.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`hardhat node exited before it was ready:\n${output.slice(-2000)}`));
      });
    });
    // Keep draining the pipes so the node never blocks on a full one.
    child.stdout?.removeAllListeners('data').resume();
    child.stderr?.removeAllListeners('data').resume();
    const rpcUrl = `http://127.0.0.1:${port}`;
    const ledger = await importLib('ledger');
    const contract = /** @type {string} */ (await ledger.deployLedgerContract({ rpcUrl, privateKey: HARDHAT_ACCOUNT_0_KEY }));
    const deployBlock = await blockNumber(rpcUrl);
    return { rpcUrl, privateKey: HARDHAT_ACCOUNT_0_KEY, contract, deployBlock, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * One JSON-RPC call.
 * @param {string} rpcUrl
 * @param {string} method
 * @param {unknown[]} params
 */
export async function rpc(rpcUrl, method, params) {
  const r = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  /** @type {{ result?: unknown, error?: { message: string } }} */
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** @param {string} rpcUrl */
export async function blockNumber(rpcUrl) {
  return Number(/** @type {string} */ (await rpc(rpcUrl, 'eth_blockNumber', [])));
}

/**
 * Every transaction to `contract` mined after block `afterBlock`: hash, block and the block's
 * timestamp (seconds, as the chain states it).
 * @param {string} rpcUrl
 * @param {string} contract
 * @param {number} afterBlock
 */
export async function contractTransactions(rpcUrl, contract, afterBlock) {
  const latest = await blockNumber(rpcUrl);
  /** @type {{ hash: string, block: number, timestamp: number }[]} */
  const out = [];
  for (let n = afterBlock + 1; n <= latest; n++) {
    const block = /** @type {{ timestamp: string, transactions: { hash: string, to: string | null }[] }} */ (
      await rpc(rpcUrl, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, true])
    );
    for (const tx of block.transactions) {
      if (tx.to && tx.to.toLowerCase() === contract.toLowerCase()) out.push({ hash: tx.hash, block: n, timestamp: Number(block.timestamp) });
    }
  }
  return out;
}

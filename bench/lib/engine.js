// @ts-check
/** The built engine as child processes for the end-to-end benchmark. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineMain, repoRoot } from './paths.js';

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts one engine process with `role` and settings `env`; resolves once `/health` answers
 * (intake/all) or the worker has stayed up through its boot.
 * @param {'all'|'intake'|'worker'} role
 * @param {Record<string,string>} env
 */
export async function startEngine(role, env) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hie-bench-'));
  const mllpPort = role === 'worker' ? 0 : await freePort();
  const httpPort = role === 'worker' ? 0 : await freePort();
  // BENCH_ENGINE_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`): node flags for the engine, to profile a run.
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
  const child = spawn(process.execPath, [...nodeArgs, engineMain], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NO_COLOR: '1',
      HIE_ROLE: role,
      HIE_DATA_DIR: dataDir,
      HIE_MLLP_HOST: '127.0.0.1',
      HIE_HTTP_HOST: '127.0.0.1',
      HIE_MLLP_PORT: String(mllpPort),
      HIE_HTTP_PORT: String(httpPort),
      // A free DIMSE port unless the caller names one (the default 11112 would clash between engines).
      HIE_DICOM_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (/** @type {Buffer} */ c) => {
    output = (output + c.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 60_000;
  if (role === 'worker') {
    // The engine logs `ready {"role":"worker",...}` once it consumes.
    while (alive() && Date.now() < deadline && !/ready \{"role":"worker"/.test(output)) await sleep(25);
  } else {
    for (;;) {
      try {
        const r = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.status === 200) break;
      } catch {
        // not up yet
      }
      if (!alive() || Date.now() > deadline) break;
      await sleep(50);
    }
  }
  if (!alive() || Date.now() > deadline) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`engine (${role}) did not start:\n${output.slice(-4000)}`);
  }
  return {
    role,
    mllpPort,
    httpUrl,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Message counts by status from `/health` (the engine names them `counts`/`messages`).
 * @param {string} httpUrl
 * @returns {Promise<Record<string, number>>}
 */
export async function statusCounts(httpUrl) {
  const r = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(10_000) });
  /** @type {Record<string, unknown>} */
  const body = await r.json();
  for (const key of ['counts', 'messages', 'messageCounts', 'byStatus']) {
    const v = body[key];
    if (v && typeof v === 'object' && ('converted' in v || 'received' in v)) {
      /** @type {Record<string, number>} */
      const out = { received: 0, converted: 0, failed: 0 };
      for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
      return out;
    }
  }
  throw new Error(`no counts by status in /health: ${JSON.stringify(body).slice(0, 500)}`);
}

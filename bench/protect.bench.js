// @ts-check
/**
 * Issue 3: what protect & anchor cost the spine. The same fixed load (N corpus messages at full
 * speed over M MLLP connections, split topology, PostgreSQL + Redis) with HIE_PROTECT=false
 * (messages end `converted`) and with it on (they end `anchored`: local storage, embedded
 * ledger, the defaults), runs alternating so drifting machine load hits both alike. Optionally
 * one more "on" run anchoring on an EVM node (Hardhat) instead of the embedded ledger.
 */
import { startHardhatWithContract } from './lib/hardhat.js';
import { protectHealth, sendFixedLoad, waitForFinalStatus, withEngine } from './lib/fixed-load.js';

/**
 * @typedef {{ variant: string, count: number, ackedPerSecond: number, processedPerSecond: number, ackSeconds: number, processSeconds: number,
 *   rejected: number, rejectSamples: string[], finalCounts: Record<string, number>, protect: unknown,
 *   timeline: { t: number, counts: Record<string, number> }[] }} FixedLoadRun
 */

/**
 * One run of the fixed load with `env`; `finalStatus` is where a message's journey ends.
 * @param {{ variant: string, count: number, connections: number, finalStatus: string, env: Record<string,string>, log: (line: string) => void }} options
 * @returns {Promise<FixedLoadRun>}
 */
async function fixedLoadRun(options) {
  return withEngine({ topology: 'split', env: options.env }, async (front) => {
    const sent = await sendFixedLoad(front, { count: options.count, connections: options.connections });
    const done = await waitForFinalStatus(front, { count: options.count, finalStatus: options.finalStatus });
    const protect = await protectHealth(front.httpUrl).catch(() => null);
    const ackSeconds = (sent.lastAckAt - sent.startedAt) / 1000;
    const processSeconds = (done.at - sent.startedAt) / 1000;
    const run = {
      variant: options.variant,
      count: options.count,
      ackedPerSecond: sent.acked / ackSeconds,
      processedPerSecond: options.count / processSeconds,
      ackSeconds,
      processSeconds,
      rejected: sent.rejected,
      rejectSamples: sent.rejectSamples,
      finalCounts: done.counts,
      protect,
      // Counts after sending finished, about every 2 s, timed from the first send.
      timeline: done.timeline.map((x) => ({ t: x.t + (sent.lastAckAt - sent.startedAt) / 1000, counts: x.counts })),
    };
    options.log(
      `  ${options.variant}: ${run.ackedPerSecond.toFixed(0)} ACKed msg/s (${ackSeconds.toFixed(1)} s), processed ${run.processedPerSecond.toFixed(0)} msg/s ` +
        `(all ${options.finalStatus} after ${processSeconds.toFixed(1)} s), non-AA ${sent.rejected}, final ${JSON.stringify(done.counts)}` +
        (protect ? `, protect ${JSON.stringify(protect)}` : ''),
    );
    return run;
  });
}

/**
 * @param {{ count: number, runs: number, connections: number, evm: boolean, log?: (line: string) => void }} options
 */
export async function benchProtectCost(options) {
  const log = options.log ?? (() => {});
  /** @type {FixedLoadRun[]} */
  const off = [];
  /** @type {FixedLoadRun[]} */
  const on = [];
  const common = { count: options.count, connections: options.connections, log };
  for (let i = 0; i < options.runs; i++) {
    log(` run ${i + 1}/${options.runs}`);
    off.push(await fixedLoadRun({ ...common, variant: 'protect off', finalStatus: 'converted', env: { HIE_PROTECT: 'false' } }));
    on.push(await fixedLoadRun({ ...common, variant: 'protect on (local, embedded)', finalStatus: 'anchored', env: { HIE_PROTECT: 'true', HIE_STORAGE: 'local', HIE_LEDGER: 'embedded' } }));
  }
  /** @type {FixedLoadRun | undefined} */
  let evm;
  if (options.evm) {
    const chain = await startHardhatWithContract();
    try {
      evm = await fixedLoadRun({
        ...common,
        variant: 'protect on (local, EVM/Hardhat)',
        finalStatus: 'anchored',
        env: { HIE_PROTECT: 'true', HIE_STORAGE: 'local', HIE_LEDGER: 'evm', HIE_EVM_RPC_URL: chain.rpcUrl, HIE_EVM_PRIVATE_KEY: chain.privateKey, HIE_EVM_CONTRACT: chain.contract },
      });
    } finally {
      await chain.stop();
    }
  }
  return { off, on, evm };
}

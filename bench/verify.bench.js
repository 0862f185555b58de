// @ts-check
/**
 * Issue 3: `$verify` of one record on the local stack. The built engine (role all) on
 * PostgreSQL + Redis + local storage, anchoring on an EVM node (Hardhat) or the embedded
 * ledger; N corpus messages sent and waited for until anchored, then `GET /fhir/{type}/{id}/$verify`
 * on distinct resources they wrote, one at a time. A verification that does not answer
 * result=true is a benchmark error, not a slow figure.
 */
import { startHardhatWithContract } from './lib/hardhat.js';
import { sendFixedLoad, waitForFinalStatus, withEngine } from './lib/fixed-load.js';
import { quantile } from './lib/stats.js';

/**
 * @param {{ ledger: 'evm'|'embedded', messages: number, resources: number, connections: number, env?: Record<string,string>, log?: (line: string) => void }} options
 */
export async function benchVerify(options) {
  const log = options.log ?? (() => {});
  const chain = options.ledger === 'evm' ? await startHardhatWithContract() : undefined;
  try {
    /** @type {Record<string,string>} */
    const env = { ...options.env, HIE_PROTECT: 'true', HIE_STORAGE: 'local', HIE_LEDGER: options.ledger };
    if (chain) Object.assign(env, { HIE_EVM_RPC_URL: chain.rpcUrl, HIE_EVM_PRIVATE_KEY: chain.privateKey, HIE_EVM_CONTRACT: chain.contract });
    return await withEngine({ topology: 'all', env }, async (front) => {
      const sent = await sendFixedLoad(front, { count: options.messages, connections: options.connections });
      if (sent.rejected > 0) throw new Error(`$verify bench: ${sent.rejected} messages were not accepted: ${sent.rejectSamples.join(' | ')}`);
      const done = await waitForFinalStatus(front, { count: options.messages, finalStatus: 'anchored', pollMillis: 200 });
      if ((done.counts.failed ?? 0) > 0) log(`  note: ${done.counts.failed} messages failed conversion`);
      const targets = await pickResources(front.httpUrl, options.resources);
      if (targets.length < options.resources) throw new Error(`$verify bench: only ${targets.length} distinct resources to verify`);

      // One warm-up call (first use of the ledger client, JIT), not counted.
      await verifyOnce(front.httpUrl, /** @type {{ type: string, id: string }} */ (targets[0]));
      /** @type {number[]} */
      const latencies = [];
      /** @type {Record<string, number>} */
      const byType = {};
      for (const t of targets) {
        const started = performance.now();
        await verifyOnce(front.httpUrl, t);
        latencies.push(performance.now() - started);
        byType[t.type] = (byType[t.type] ?? 0) + 1;
      }
      const result = {
        ledger: options.ledger,
        verified: latencies.length,
        byType,
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        max: quantile(latencies, 1),
      };
      log(
        `  ${options.ledger} ledger: ${result.verified} records verified (all result=true) — p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, max ${result.max.toFixed(1)} ms; ${JSON.stringify(byType)}`,
      );
      return result;
    });
  } finally {
    await chain?.stop();
  }
}

/**
 * Distinct resources written by the anchored messages (`GET /messages`, then each message's
 * versions), taken round-robin across resource types so no one type dominates.
 * @param {string} httpUrl
 * @param {number} wanted
 * @returns {Promise<{ type: string, id: string }[]>}
 */
async function pickResources(httpUrl, wanted) {
  /** @type {{ id: string }[]} */
  const messages = await getJson(`${httpUrl}/messages?status=anchored&limit=1000`);
  /** @type {Map<string, string[]>} */
  const idsByType = new Map();
  const seen = new Set();
  for (const m of messages) {
    /** @type {{ versions: { type: string, id: string }[] }} */
    const detail = await getJson(`${httpUrl}/messages/${m.id}`);
    for (const v of detail.versions) {
      const key = `${v.type}/${v.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      idsByType.set(v.type, [...(idsByType.get(v.type) ?? []), v.id]);
    }
  }
  /** @type {{ type: string, id: string }[]} */
  const picked = [];
  const queues = [...idsByType.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (let round = 0; picked.length < wanted; round++) {
    let any = false;
    for (const [type, ids] of queues) {
      const id = ids[round];
      if (id === undefined) continue;
      any = true;
      picked.push({ type, id });
      if (picked.length === wanted) break;
    }
    if (!any) break;
  }
  return picked;
}

/**
 * One `$verify`; throws unless the answer is 200 with result=true.
 * @param {string} httpUrl
 * @param {{ type: string, id: string }} target
 */
async function verifyOnce(httpUrl, target) {
  const r = await fetch(`${httpUrl}/fhir/${target.type}/${encodeURIComponent(target.id)}/$verify`, { signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  /** @type {{ parameter?: { name: string, valueBoolean?: boolean, part?: { name: string, valueCode?: string, valueBoolean?: boolean, valueString?: string }[] }[] } | undefined} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const result = body?.parameter?.find((p) => p.name === 'result')?.valueBoolean;
  if (r.status !== 200 || result !== true) {
    const failed = (body?.parameter ?? [])
      .filter((p) => p.name === 'check' && p.part?.find((x) => x.name === 'ok')?.valueBoolean === false)
      .map((p) => `${p.part?.find((x) => x.name === 'name')?.valueCode}: ${p.part?.find((x) => x.name === 'detail')?.valueString}`);
    throw new Error(`$verify of a ${target.type} answered ${r.status}, result ${String(result)}${failed.length > 0 ? `; failed checks: ${failed.join('; ')}` : `: ${text.slice(0, 300)}`}`);
  }
}

/**
 * @param {string} url
 */
async function getJson(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (r.status !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${r.status}`);
  return r.json();
}

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployLedgerContract, hieLedgerInterface } from '@hie/ledger';
import { IpfsContentStore, unixfsCidOfBytes } from '@hie/storage';
import { EngineApi } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { freePort } from '../support/free-port.js';
import { startHardhatNode, type HardhatNode } from '../support/hardhat-node.js';
import { hie } from '../support/hie-cli.js';
import { firstComponent, getField, listHl7Fixtures, readAck, readHl7Fixture, uniqueVariant } from '../support/hl7-text.js';
import { MllpTestClient, sendPipelined } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { startTcpProxy, type TcpProxy } from '../support/rpc-proxy.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Protect and anchor on the real engines: PostgreSQL, Redis, a Helia IPFS node inside the engine
 * (peered with a second Helia node, the "other party"), and a Hardhat 2 EVM node with the
 * project's contract. The engine reaches the chain through a TCP proxy, so the test can take the
 * chain away (connections refused) and bring it back while the node keeps its state.
 */
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const families = /^(ADT|ORU|ORM|OML|VXU|LAB-OR|LRI|IZ_|MDHHS-OML).*\.hl7$/;
const ADMIN_TOKEN = `admin-${run}`;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let chain: HardhatNode;
let proxy: TcpProxy;
let contract: string;
let peerDir: string;
let peer: IpfsContentStore;
let engine: EngineProcess;
let api: EngineApi;
let sql: pg.Client;
/** Every message sent in this file, for the PHI search at the end. */
const sent: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  chain = await startHardhatNode();
  proxy = await startTcpProxy(chain.port);
  contract = await deployLedgerContract({ rpcUrl: chain.rpcUrl, privateKey: chain.privateKey });
  peerDir = mkdtempSync(join(tmpdir(), 'hie-peer-'));
  peer = await IpfsContentStore.create({ repoDir: peerDir, listen: ['/ip4/127.0.0.1/tcp/0'], fetchTimeoutMillis: 15_000 });
  engine = await EngineProcess.start({
    role: 'all',
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HIE_QUEUE_PREFIX: redis.prefix,
      HIE_STORAGE: 'ipfs',
      HIE_IPFS_LISTEN: `/ip4/127.0.0.1/tcp/${await freePort()}`,
      HIE_IPFS_PEERS: peer.multiaddrs()[0]!,
      HIE_LEDGER: 'evm',
      HIE_EVM_RPC_URL: proxy.url,
      HIE_EVM_PRIVATE_KEY: chain.privateKey,
      HIE_EVM_CONTRACT: contract,
      HIE_ANCHOR_INTERVAL_MILLIS: '300',
      HIE_RECOVER_AFTER_MILLIS: '3000',
      HIE_ADMIN_TOKEN: ADMIN_TOKEN,
    },
  });
  api = new EngineApi(engine.httpUrl);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
}, 180_000);

afterAll(async () => {
  await sql?.end();
  await engine?.dispose();
  await peer?.close();
  if (peerDir) rmSync(peerDir, { recursive: true, force: true });
  await proxy?.stop();
  await chain?.stop();
  await redis?.cleanup();
  await db?.drop();
});

async function send(messages: readonly string[]): Promise<void> {
  sent.push(...messages);
  const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort, { timeoutMillis: 120_000 });
  try {
    const acks = (await sendPipelined(client, [...messages], 8)).map(readAck);
    expect(acks.filter((a) => a.code !== 'AA').map((a) => a.text)).toEqual([]);
  } finally {
    await client.close();
  }
}

/** Waits until no message is before `anchored` (and none failed); returns the counts. */
async function allAnchored(timeoutMillis = 120_000): Promise<Record<string, number>> {
  return waitFor(
    'every message anchored',
    async () => {
      const c = await api.counts();
      return c.received === 0 && c.converted === 0 && c.stored === 0 ? c : undefined;
    },
    { timeoutMillis, intervalMillis: 200 },
  );
}

/** BatchAnchored events of our contract on the chain (read from the node directly, not through the proxy). */
async function anchoredOnChain(): Promise<{ batchId: string; root: string; leafCount: number; txHash: string }[]> {
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
  try {
    const event = hieLedgerInterface.getEvent('BatchAnchored')!;
    const logs = await provider.getLogs({ address: contract, topics: [event.topicHash], fromBlock: 0, toBlock: 'latest' });
    return logs.map((log) => {
      const parsed = hieLedgerInterface.parseLog(log)!;
      return { batchId: String(parsed.args[0]), root: String(parsed.args[1]), leafCount: Number(parsed.args[2]), txHash: log.transactionHash };
    });
  } finally {
    provider.destroy();
  }
}

async function batchesInStore(): Promise<{ id: string; status: string; tx_hash: string | null; leaf_count: number }[]> {
  return (await sql.query(`SELECT id, status, tx_hash, leaf_count FROM anchor_batch ORDER BY created_at`)).rows;
}

/** Each batch in the store is on chain exactly once, with its leaf count; every record is in an anchored batch. */
async function expectAnchoredExactlyOnce(): Promise<void> {
  const batches = await batchesInStore();
  const events = await anchoredOnChain();
  expect(batches.length).toBeGreaterThan(0);
  expect(batches.every((b) => b.status === 'anchored')).toBe(true);
  expect(events).toHaveLength(batches.length);
  const onChain = new Map(events.map((e) => [e.batchId.slice(2, 34), e]));
  for (const batch of batches) {
    const event = onChain.get(batch.id.replace(/-/g, ''));
    expect(event, `batch ${batch.id} on chain`).toBeDefined();
    expect(event!.leafCount).toBe(batch.leaf_count);
    expect(event!.txHash).toBe(batch.tx_hash);
  }
  const loose = await sql.query(
    `SELECT COUNT(*)::int AS n FROM protected_record r LEFT JOIN anchor_batch b ON b.id = r.batch_id WHERE b.status IS DISTINCT FROM 'anchored'`,
  );
  expect(loose.rows[0].n).toBe(0);
}

function verifyParameter(body: unknown, name: string): unknown {
  const parameter = (body as { parameter: { name: string; valueString?: string; valueBoolean?: boolean; valueInteger?: number }[] }).parameter.find((p) => p.name === name);
  return parameter?.valueString ?? parameter?.valueBoolean ?? parameter?.valueInteger;
}

async function patientIdOf(message: string): Promise<string> {
  const mrn = firstComponent(message, 'PID', 3)!;
  const found = await api.search('Patient', { identifier: mrn });
  expect(found).toHaveLength(1);
  return String(found[0]!.id);
}

describe('protect and anchor on PostgreSQL, Redis, IPFS (Helia) and an EVM chain (Hardhat)', () => {
  let corpus: string[];

  it('encrypts, stores on IPFS and anchors on chain every corpus message, each batch in one transaction', async () => {
    corpus = listHl7Fixtures(families).map((name, i) => uniqueVariant(readHl7Fixture(name), `${run}K${i}`));
    await send(corpus);
    const counts = await allAnchored();
    expect(counts.anchored).toBe(corpus.length);
    expect(counts.failed).toBe(0);
    await expectAnchoredExactlyOnce();
    const records = await sql.query(`SELECT COUNT(*)::int AS n FROM protected_record`);
    const batches = await batchesInStore();
    // Many records per transaction: chain load follows time (the 300 ms interval), not traffic.
    expect(records.rows[0].n).toBeGreaterThan(batches.length * 5);
  });

  it('$verify proves a record: hash, IPFS ciphertext, Merkle proof, root in a mined transaction', async () => {
    const patientId = await patientIdOf(corpus[0]!);
    const response = await api.get(`/fhir/Patient/${patientId}/$verify`);
    expect(response.status).toBe(200);
    expect(verifyParameter(response.body, 'result')).toBe(true);
    expect(verifyParameter(response.body, 'ledger')).toBe('evm');
    const txHash = String(verifyParameter(response.body, 'transaction'));
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    try {
      const receipt = await provider.getTransactionReceipt(txHash);
      expect(receipt?.status).toBe(1);
      expect(receipt?.to?.toLowerCase()).toBe(contract.toLowerCase());
      expect(receipt?.blockNumber).toBe(verifyParameter(response.body, 'block'));
    } finally {
      provider.destroy();
    }
    // The same through the command line, as an operator runs it.
    const cli = await hie(['verify', `Patient/${patientId}`, '--url', engine.httpUrl]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/: VERIFIED\n/);
    expect(cli.stdout).toMatch(/ok +anchor +root on evm ledger: transaction 0x/);
  });

  it('a second IPFS node, knowing only the CID, fetches the very same ciphertext', async () => {
    const patientId = await patientIdOf(corpus[1]!);
    const response = await api.get(`/fhir/Patient/${patientId}/$verify`);
    const cid = String(verifyParameter(response.body, 'cid'));
    expect(await peer.has(cid)).toBe(false);
    const bytes = await peer.getBytes(cid, { signal: AbortSignal.timeout(20_000) });
    expect((await unixfsCidOfBytes(bytes)).toString()).toBe(cid);
    expect(bytes[0]).toBe(0x01); // an envelope: format byte, then key id, nonce, tag, ciphertext
    const check = (response.body as { parameter: { name: string; part?: { name: string; valueString?: string; valueCode?: string }[] }[] }).parameter
      .filter((p) => p.name === 'check')
      .find((p) => p.part?.some((x) => x.valueCode === 'ciphertext'));
    expect(check?.part?.find((x) => x.name === 'detail')?.valueString).toContain(`fetched ${bytes.length} bytes`);
  });

  it('waits while the chain is unreachable, then anchors everything exactly once', async () => {
    const before = (await anchoredOnChain()).length;
    await proxy.stop();
    const more = Array.from({ length: 200 }, (_, i) => uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}F${i}`));
    await send(more);
    // Converted and stored (IPFS is up), but not anchored: they wait in their stage.
    const waiting = await waitFor('the new messages stored', async () => {
      const c = await api.counts();
      return c.received === 0 && c.converted === 0 && c.stored === more.length ? c : undefined;
    });
    expect(waiting.anchored).toBe(corpus.length);
    await new Promise((r) => setTimeout(r, 1500));
    const health = (await api.get('/health')).body as { protect: { pendingBatches: number; unbatchedRecords: number } };
    expect(health.protect.pendingBatches).toBe(1);
    expect((await api.counts()).stored).toBe(more.length);
    expect((await anchoredOnChain()).length).toBe(before);

    await proxy.start();
    const counts = await allAnchored(180_000);
    expect(counts.anchored).toBe(corpus.length + more.length);
    await expectAnchoredExactlyOnce();
  });

  it('erases a patient: data key destroyed, verify says so, the erasure is on chain by pseudonym only', async () => {
    const message = corpus.find((m) => getField(m, 'PID', 5))!;
    const patientId = await patientIdOf(message);
    const denied = await hie(['patient', 'erase', patientId, '--url', engine.httpUrl, '--token', 'wrong']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/401/);
    const erased = await hie(['patient', 'erase', patientId, '--url', engine.httpUrl], { HIE_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(erased.stderr).toBe('');
    expect(erased.stdout).toMatch(/1 data keys destroyed/);
    expect(erased.stdout).toMatch(/recorded on the ledger \(0x[0-9a-f]{64}\)/);
    expect((await api.get(`/fhir/Patient/${patientId}`)).status).toBe(404);
    const report = await hie(['verify', `Patient/${patientId}`, '--url', engine.httpUrl]);
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/FAIL decrypted-hash +the data key was destroyed/);
  });

  it('no PHI leaves the engine: not in IPFS blocks, chain transactions, or logs', async () => {
    const phi = phiTokens(sent);
    expect(phi.length).toBeGreaterThan(100);
    const hits: string[] = [];
    // Every block and datastore file of both IPFS nodes (the engine's repo and the peer's copy).
    for (const dir of [join(engine.dataDir, 'ipfs'), peerDir]) {
      for (const file of filesUnder(dir)) {
        const bytes = readFileSync(file);
        for (const token of phi) if (bytes.includes(token.bytes) || file.includes(token.text)) hits.push(`${token.text} in ${file}`);
      }
    }
    // Every transaction's calldata and every log on the chain.
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    try {
      const latest = await provider.getBlockNumber();
      let transactions = 0;
      for (let n = 0; n <= latest; n++) {
        const block = await provider.getBlock(n, true);
        for (const tx of block?.prefetchedTransactions ?? []) {
          transactions++;
          const data = Buffer.from(tx.data.slice(2), 'hex');
          for (const token of phi) if (data.includes(token.bytes) || tx.data.includes(token.bytes.toString('hex'))) hits.push(`${token.text} in tx ${tx.hash}`);
        }
      }
      expect(transactions).toBeGreaterThan(2);
      const logs = await provider.getLogs({ address: contract, fromBlock: 0, toBlock: 'latest' });
      for (const log of logs) for (const token of phi) if (log.data.includes(token.bytes.toString('hex'))) hits.push(`${token.text} in a log`);
    } finally {
      provider.destroy();
    }
    // Everything the engine printed.
    const output = engine.output.toLowerCase();
    for (const token of phi) if (output.includes(token.text.toLowerCase())) hits.push(`${token.text} in the engine's output`);
    expect(hits).toEqual([]);
  });
});

/**
 * The patients' names, identifiers and birth dates in the messages sent (PID-3, PID-5, PID-7,
 * NK1-2), as text and bytes. Tokens shorter than 5 characters are left out: any 4 bytes occur by
 * chance in megabytes of ciphertext.
 */
function phiTokens(messages: readonly string[]): { text: string; bytes: Buffer }[] {
  const texts = new Set<string>();
  for (const message of messages) {
    for (const segment of message.split('\r')) {
      const fields = segment.split('|');
      const name = fields[0];
      const picks = name === 'PID' ? [3, 5, 7] : name === 'NK1' ? [2] : [];
      for (const field of picks) {
        for (const repetition of (fields[field] ?? '').split('~')) {
          const components = repetition.split('^');
          const values = field === 3 ? [components[0]] : field === 7 ? [components[0]?.slice(0, 8)] : components.slice(0, 2);
          for (const value of values) {
            const v = (value ?? '').trim();
            if (v.length < 5) continue;
            texts.add(v);
            if (field === 7 && /^\d{8}$/.test(v)) texts.add(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`);
          }
        }
      }
    }
  }
  return [...texts].map((text) => ({ text, bytes: Buffer.from(text, 'utf8') }));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

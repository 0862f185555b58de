import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dimse from 'dcmjs-dimse';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, isObject, type JsonObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { associate, cuttingRelay, echoRequest, rawStoreRequest, splitPart10, type Part10Parts } from '../support/dimse-scu.js';
import { repoRoot } from '../support/hl7-text.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The DIMSE Storage SCP of the built engine on PostgreSQL + Redis: C-ECHO, C-STORE of corpus
 * instances in each family of transfer syntaxes (byte for byte, as a PACS would send them),
 * a truncated instance refused with 0xC000 and kept as a failed message, an SCU cut off
 * mid-transfer (kept as failed, the SCP keeps serving), and AE title checks.
 */
const CALLING_AE = 'MODALITY1';
const corpus = (name: string): Part10Parts => splitPart10(readFileSync(join(repoRoot, 'fixtures/dicom/pydicom', name)));

/** One file per family of syntaxes; MR_small_implicit is a second version of MR_small's instance. */
const STORED = [
  ['CT_small.dcm', '1.2.840.10008.1.2.1'],
  ['MR_small.dcm', '1.2.840.10008.1.2.1'],
  ['MR_small_implicit.dcm', '1.2.840.10008.1.2'],
  ['JPEG-lossy.dcm', '1.2.840.10008.1.2.4.51'],
  ['SC_rgb_jpeg_dcmtk.dcm', '1.2.840.10008.1.2.4.50'],
  ['SC_rgb_rle.dcm', '1.2.840.10008.1.2.5'],
  ['SC_rgb_small_odd_big_endian.dcm', '1.2.840.10008.1.2.2'],
  ['rtdose.dcm', '1.2.840.10008.1.2'],
] as const;

/** Patient names in those files: they must never reach the engine's logs. */
const PATIENT_NAMES = /CompressedSamples|Lestrade|Lastname\^Firstname/;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;
let port: number;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HIE_QUEUE_PREFIX: redis.prefix,
      HIE_DICOM_AE_TITLE: 'HIE',
      HIE_DICOM_CALLING_AE_TITLES: `${CALLING_AE},PACS`,
      HIE_ANCHOR_INTERVAL_MILLIS: '200',
    },
  });
  port = Number(engine.env.HIE_DICOM_PORT);
  await engine.waitForOutput(new RegExp(`DIMSE listening on 127\\.0\\.0\\.1:${port} as HIE`));
  api = new EngineApi(engine.httpUrl);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

async function dicomMessages(status?: string): Promise<JsonObject[]> {
  return (await api.listMessages(status)).filter((m) => m.format === 'dicom' && m.channel === 'dimse');
}

/** An association that answered one C-ECHO and then stays open, idle (the SCU lingers before releasing). */
async function openIdleAssociation(dimsePort: number, callingAe: string): Promise<{ closed: Promise<void> }> {
  const client = new dimse.Client();
  const echoed = new Promise<void>((resolve) => {
    const request = new dimse.requests.CEchoRequest();
    request.on('response', () => resolve());
    client.addRequest(request);
  });
  const closed = new Promise<void>((resolve) => client.on('closed', () => resolve()));
  client.send('127.0.0.1', dimsePort, callingAe, 'HIE', { associationLingerTimeout: 60_000 });
  await echoed;
  return { closed };
}

function outcomeCode(message: JsonObject): string | undefined {
  const outcome = message.outcome;
  const issue = isObject(outcome ?? null) && Array.isArray((outcome as JsonObject).issue) ? ((outcome as JsonObject).issue as JsonObject[])[0] : undefined;
  const details = issue && isObject(issue.details ?? null) ? (issue.details as JsonObject) : undefined;
  const coding = details && Array.isArray(details.coding) ? details.coding[0] : undefined;
  return isObject(coding ?? null) ? String((coding as JsonObject).code) : undefined;
}

describe('DIMSE Storage SCP (built engine, PostgreSQL + Redis)', () => {
  it('answers C-ECHO with success', async () => {
    const outcome = await associate(port, [echoRequest()], { callingAe: CALLING_AE });
    expect(outcome.accepted).toBe(true);
    expect(outcome.responses.map((r) => r.status)).toEqual([0x0000]);
  });

  it('rejects an unknown calling AE and a wrong called AE', async () => {
    const stranger = await associate(port, [echoRequest()], { callingAe: 'STRANGER' });
    expect(stranger.accepted).toBe(false);
    expect(stranger.rejected).toEqual({ result: 1, source: 1, reason: 3 }); // calling AE not recognised
    const misdirected = await associate(port, [echoRequest()], { callingAe: CALLING_AE, calledAe: 'OTHER' });
    expect(misdirected.rejected).toEqual({ result: 1, source: 1, reason: 7 }); // called AE not recognised
  });

  it('stores instances in every family of syntaxes: success statuses, messages, dicom_instance rows', async () => {
    const parts = STORED.map(([name]) => corpus(name));
    STORED.forEach(([name, ts], i) => expect(parts[i]!.transferSyntaxUid, name).toBe(ts));
    const outcome = await associate(port, parts.map((p) => rawStoreRequest(p)), { callingAe: CALLING_AE });
    expect(outcome.responses.map((r) => [r.sopInstanceUid, r.status, r.errorComment])).toEqual(parts.map((p) => [p.sopInstanceUid, 0x0000, undefined]));

    const uids = [...new Set(parts.map((p) => p.sopInstanceUid))];
    const rows = await sql.query<{ sop_instance_uid: string; transfer_syntax_uid: string; version_id: number; message_id: string; sop_class_uid: string }>(
      'SELECT sop_instance_uid, transfer_syntax_uid, version_id, message_id, sop_class_uid FROM dicom_instance WHERE sop_instance_uid = ANY($1)',
      [uids],
    );
    expect(rows.rows.map((r) => r.sop_instance_uid).sort()).toEqual([...uids].sort());
    const mr = rows.rows.find((r) => r.sop_instance_uid === corpus('MR_small.dcm').sopInstanceUid)!;
    expect(mr.transfer_syntax_uid).toBe('1.2.840.10008.1.2'); // the implicit copy came last: version 2
    expect(Number(mr.version_id)).toBe(2);
    const rt = rows.rows.find((r) => r.sop_instance_uid === corpus('rtdose.dcm').sopInstanceUid)!;
    expect(rt.sop_class_uid).toBe('1.2.840.10008.5.1.4.1.1.481.2');

    const stored = await dicomMessages();
    expect(stored.filter((m) => m.status !== 'failed').length).toBeGreaterThanOrEqual(STORED.length);
    for (const row of rows.rows) {
      const detail = await api.get(`/messages/${row.message_id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.format).toBe('dicom');
      expect(detail.body.channel).toBe('dimse');
      expect(detail.body.status).not.toBe('failed');
    }
  });

  it('refuses MR_truncated.dcm with 0xC000 and an Error Comment, keeping it as a failed message', async () => {
    const before = (await dicomMessages('failed')).length;
    const truncated = corpus('MR_truncated.dcm');
    const outcome = await associate(port, [rawStoreRequest(truncated), echoRequest()], { callingAe: CALLING_AE });
    expect(outcome.responses[0]?.status).toBe(0xc000);
    expect(outcome.responses[0]?.errorComment).toMatch(/^DICOM_(TRUNCATED|LENGTH_BEYOND_END)\b/);
    expect(outcome.responses[0]!.errorComment!.length).toBeLessThanOrEqual(64);
    expect(outcome.responses[1]?.status).toBe(0x0000); // the association stays usable
    const failed = await waitFor('the failed DIMSE message', async () => {
      const list = await dicomMessages('failed');
      return list.length > before ? list : undefined;
    });
    expect(failed.map(outcomeCode)).toContainEqual(expect.stringMatching(/^DICOM_(TRUNCATED|LENGTH_BEYOND_END)$/));
  });

  it('keeps serving after an SCU vanishes mid-transfer; the partial instance is kept as failed', async () => {
    const before = (await dicomMessages('failed')).length;
    const big = corpus('examples_overlay.dcm'); // ~320 KB
    // Past the first P-DATA PDU (up to 256 KiB): a PDU cut short never reaches the SCP at all.
    const relay = await cuttingRelay(port, 300_000);
    try {
      const cut = await associate(relay.port, [rawStoreRequest(big)], { callingAe: CALLING_AE });
      expect(cut.responses).toEqual([]);
    } finally {
      await relay.close();
    }
    const failed = await waitFor('the interrupted DIMSE message', async () => {
      const list = await dicomMessages('failed');
      return list.length > before ? list : undefined;
    });
    expect(failed.map(outcomeCode)).toContain('DICOM_TRUNCATED');
    const next = await associate(port, [rawStoreRequest(big)], { callingAe: 'PACS' });
    expect(next.responses.map((r) => r.status)).toEqual([0x0000]);
    expect(engine.running).toBe(true);
  });

  it('logs no patient names', () => {
    expect(engine.output).toMatch(/DIMSE/);
    expect(engine.output).not.toMatch(PATIENT_NAMES);
  });

  it('stops cleanly with an idle association open: the association is aborted, the engine exits on SIGTERM', async () => {
    const idle = await openIdleAssociation(port, CALLING_AE);
    const started = Date.now();
    const stopped = await engine.stop(15_000);
    expect(stopped.forced).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
    await idle.closed;
    expect(engine.output).toMatch(/\[DIMSE\] stopped/);
  });
});

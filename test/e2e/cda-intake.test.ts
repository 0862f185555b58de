import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, isObject, versionsOf, type JsonObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { hie } from '../support/hie-cli.js';
import { readAck, repoRoot } from '../support/hl7-text.js';
import { MllpTestClient } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

/**
 * CDA through the built engine on PostgreSQL + Redis, protect & anchor on (their defaults):
 * `POST /cda` (202 then the worker, and `?sync=true`), hostile documents (billion laughs, an
 * external entity reading /etc/passwd, 100 MB of nesting streamed) refused quickly and kept as
 * failed messages while the engine keeps serving, and MDM^T02 carrying a base64 CDA over MLLP.
 */
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const ccd = readFileSync(join(repoRoot, 'fixtures/cda/CCD.ccda'), 'utf8');
/** The sample patient's name in CCD.ccda: must never reach the engine's logs. */
const PATIENT_NAME = /Isabella/;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({
    env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix, HIE_ANCHOR_INTERVAL_MILLIS: '200' },
  });
  api = new EngineApi(engine.httpUrl);
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

/** CCD.ccda under a document id of its own (ClinicalDocument/id/@extension), so each case writes its own Composition. */
function variant(tag: string): string {
  return ccd.replace(/(<ClinicalDocument[\s\S]*?<id\b[^>]*?extension=")([^"]*)"/, `$1$2-${run}-${tag}"`);
}

async function postCda(body: string | Buffer | ReadableStream<Uint8Array>, query = '', contentType = 'application/cda+xml'): Promise<{ status: number; body: JsonObject; location: string | null; millis: number }> {
  const started = Date.now();
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' || body instanceof ReadableStream ? body : new Uint8Array(body),
    signal: AbortSignal.timeout(60_000),
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const response = await fetch(`${engine.httpUrl}/cda${query}`, init);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as JsonObject, location: response.headers.get('location'), millis: Date.now() - started };
}

async function message(id: string): Promise<JsonObject> {
  const r = await api.get(`/messages/${id}`);
  if (r.status !== 200) throw new Error(`GET /messages/${id} answered ${r.status}`);
  return r.body;
}

async function reaches(id: string, status: string, timeoutMillis = 60_000): Promise<JsonObject> {
  return waitFor(`message ${id} ${status}`, async () => {
    const m = await message(id);
    if (m.status === 'failed' && status !== 'failed') throw new Error(`message failed: ${JSON.stringify(m.outcome)}`);
    return m.status === status ? m : undefined;
  }, { timeoutMillis, intervalMillis: 100 });
}

function refusalCode(outcome: JsonObject): string | undefined {
  const issue = Array.isArray(outcome.issue) ? outcome.issue[0] : undefined;
  if (!isObject(issue) || !isObject(issue.details) || !Array.isArray(issue.details.coding)) return undefined;
  const coding = issue.details.coding[0];
  return isObject(coding) ? String(coding.code) : undefined;
}

const idOf = (location: string | null): string => String(location?.split('/').pop());

describe('POST /cda', () => {
  it('a CCD → 202 with its id; the worker converts it, the Composition is readable, the message is anchored', async () => {
    const res = await postCda(variant('async'));
    expect(res.status).toBe(202);
    const id = String(res.body.id);
    expect(res.location).toBe(`/messages/${id}`);
    const done = await reaches(id, 'anchored');
    expect(done).toMatchObject({ format: 'cda', channel: 'http', messageType: 'CDA^34133-9' });
    const versions = versionsOf(done);
    const composition = versions.find((v) => v.type === 'Composition');
    expect(composition).toBeDefined();
    const read = await api.get(`/fhir/Composition/${composition!.id}`);
    expect(read.status).toBe(200);
    expect(read.body.resourceType).toBe('Composition');
    const patient = versions.find((v) => v.type === 'Patient');
    expect((await api.get(`/fhir/Patient/${patient!.id}`)).status).toBe(200);
    expect(versions.map((v) => v.type)).toContain('DocumentReference');
  });

  it('?sync=true → 200 with the document Bundle; the message is converted once and anchored too', async () => {
    const res = await postCda(variant('sync'), '?sync=true', 'application/xml');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    const entries = Array.isArray(res.body.entry) ? res.body.entry.filter(isObject) : [];
    expect(isObject(entries[0]?.resource ?? null) && (entries[0]!.resource as JsonObject).resourceType).toBe('Composition');
    const done = await reaches(idOf(res.location), 'anchored');
    expect(done.attempts).toBe(1);
    expect(done.resourceCount).toBe(entries.length);
  });

  it('refuses a billion-laughs document with 400 XML_DOCTYPE_REFUSED and keeps it as failed', async () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>',
    ].join('\n');
    const res = await postCda(laughs);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(refusalCode(res.body)).toBe('XML_DOCTYPE_REFUSED');
    expect(res.millis).toBeLessThan(2_000);
    expect(await message(idOf(res.location))).toMatchObject({ status: 'failed', format: 'cda' });
  });

  it('refuses an external entity reading /etc/passwd with 400, and no file content appears anywhere', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>';
    const res = await postCda(xxe, '', 'text/xml');
    expect(res.status).toBe(400);
    expect(refusalCode(res.body)).toBe('XML_DOCTYPE_REFUSED');
    const stored = await message(idOf(res.location));
    expect(stored.status).toBe('failed');
    for (const text of [JSON.stringify(res.body), JSON.stringify(stored), engine.output]) expect(text).not.toMatch(/root:.*:0:0:/);
  });

  it('100 MB of nesting, streamed: answered 413 quickly, the head kept with the real size, and the engine keeps serving', async () => {
    const chunk = Buffer.from('<a>'.repeat(1024 * 1024 / 3));
    const total = 100 * 1024 * 1024;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3">')));
        sent += 41;
      },
      pull(controller) {
        if (sent >= total) {
          controller.close();
          return;
        }
        const n = Math.min(chunk.length, total - sent);
        controller.enqueue(new Uint8Array(chunk.subarray(0, n)));
        sent += n;
      },
    });
    const res = await postCda(stream);
    expect([400, 413]).toContain(res.status);
    expect(refusalCode(res.body)).toMatch(/^XML_TOO_(LARGE|DEEP)$/);
    expect(res.millis).toBeLessThan(15_000);
    const stored = await message(idOf(res.location));
    expect(stored).toMatchObject({ status: 'failed', format: 'cda', sizeBytes: sent });
    // Still serving, both edges: health, and a good document right after.
    expect((await api.get('/health')).status).toBe(200);
    expect((await postCda(variant('after-nesting'))).status).toBe(202);
  });

  it('nesting within the size limit is refused by depth (400 XML_TOO_DEEP) in bounded time', async () => {
    const depth = 1_000_000;
    const res = await postCda(`<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</ClinicalDocument>`);
    expect(res.status).toBe(400);
    expect(refusalCode(res.body)).toBe('XML_TOO_DEEP');
    expect(res.millis).toBeLessThan(5_000);
  });

  it('answers 415 to a body that is not XML', async () => {
    const res = await postCda('{"resourceType":"Patient"}', '', 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('MDM over MLLP', () => {
  it('MDM^T02 with a base64 CDA in OBX-5 → AA, converted through the CDA path: the Composition is stored', async () => {
    const controlId = `${run}MDM1`;
    const doc = Buffer.from(variant('mdm'), 'utf8').toString('base64');
    const mdm = [
      `MSH|^~\\&|DOCAPP|DOCFAC|HIE|HIE|20240101120000+0000||MDM^T02^MDM_T02|${controlId}|P|2.5.1`,
      'EVN|T02|20240101120000+0000',
      'PID|1||MDMPAT1^^^HOSP^MR||Doe^Jane||19800101|F',
      'PV1|1|O',
      `TXA|1|CN|TX|20240101115500+0000||20240101120000+0000||||||${controlId}-DOC||||||AU`,
      `OBX|1|ED|34133-9^Summary of episode note^LN||^text^xml^Base64^${doc}||||||F`,
    ].join('\r');
    const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort, { timeoutMillis: 60_000 });
    let ack: ReturnType<typeof readAck>;
    try {
      ack = readAck(await client.send(mdm));
    } finally {
      await client.close();
    }
    expect(ack.code).toBe('AA');
    const summary = await waitFor('the MDM message', async () => (await api.listMessages()).find((m) => m.controlId === controlId));
    const done = await reaches(String(summary.id), 'anchored');
    expect(done).toMatchObject({ format: 'hl7v2', channel: 'mllp', messageType: 'MDM^T02' });
    const composition = versionsOf(done).find((v) => v.type === 'Composition');
    expect(composition).toBeDefined();
    expect((await api.get(`/fhir/Composition/${composition!.id}`)).body.resourceType).toBe('Composition');
  });
});

describe('the hie command with CDA documents', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cda-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hie convert FILE.ccda prints the FHIR document Bundle, no server needed', async () => {
    const result = await hie(['convert', join(repoRoot, 'fixtures/cda/Progress_Note.ccda')]);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as JsonObject;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
  });

  it('hie ingest DIR posts CDA documents to /cda (and .hl7 over MLLP) and reports the refused ones', async () => {
    const nested = join(dir, 'ingest', 'nested');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(dir, 'ingest', 'one.ccda'), variant('ingest-1'));
    writeFileSync(join(nested, 'two.xml'), variant('ingest-2'));
    writeFileSync(join(nested, 'bad.cda'), '<!DOCTYPE x [<!ENTITY a "a">]><ClinicalDocument xmlns="urn:hl7-org:v3">&a;</ClinicalDocument>');
    writeFileSync(join(dir, 'ingest', 'ignored.txt'), 'not sent');
    const result = await hie(['ingest', join(dir, 'ingest'), '--url', engine.httpUrl, '--host', engine.mllpHost, '--port', String(engine.mllpPort)]);
    expect(result.code).toBe(1); // the hostile document was refused
    expect(result.stdout).toContain('3 CDA documents');
    expect(result.stdout).toMatch(/202 2/);
    expect(result.stdout).toMatch(/400 1/);
    expect(result.stdout).toContain('bad.cda');
    const ours = await waitFor('the ingested documents', async () => {
      const list = (await api.listMessages()).filter((m) => typeof m.controlId === 'string' && m.controlId.includes(`${run}-ingest-`));
      return list.length === 2 ? list : undefined;
    });
    expect(ours.every((m) => m.format === 'cda' && m.channel === 'http')).toBe(true);
  });
});

describe('no PHI in the logs', () => {
  it('the engine output never names the patient of the documents it took', () => {
    expect(engine.output).not.toMatch(PATIENT_NAME);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import { MllpClient } from '@hie/transport';
import { startEngine, type RunningEngine } from './engine.bootstrap.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const adt = (controlId: string, mrn: string): string =>
  [
    `MSH|^~\\&|ADTApp|GHHSFacility|EHRApp|GHHRFacility|20240101120000+0000||ADT^A01^ADT_A01|${controlId}|P|2.5.1`,
    'EVN|A01|20240101120000+0000',
    `PID|1||${mrn}^^^GHH^MR||Everyman^Adam^A||19800101|M|||1 Main St^^Ann Arbor^MI^48103^USA`,
    'PV1|1|I|2000^2012^01||||004777^Attend^Aaron^A|||SUR||||ADM|A0',
  ].join('\r');

function msa(ack: string): string[] {
  return (ack.split('\r').find((s) => s.startsWith('MSA')) ?? '').split('|');
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMillis = 15_000): Promise<T> {
  const until = Date.now() + timeoutMillis;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('engine on embedded defaults (SQLite, in-process queue)', () => {
  let dataDir: string;
  let engine: RunningEngine;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hie-engine-'));
    const config = loadConfig(
      { HIE_DATA_DIR: dataDir, HIE_MLLP_PORT: '0', HIE_HTTP_PORT: '0', HIE_DICOM_PORT: '0', HIE_MAPPINGS_DIR: join(repoRoot, 'mappings'), HIE_LOG_LEVEL: 'warn', HIE_MAX_FRAME_BYTES: '65536', HIE_MAX_MESSAGE_BYTES: '32768' },
      repoRoot,
    );
    engine = await startEngine(config);
    base = `http://127.0.0.1:${engine.http!.port}`;
  });

  afterAll(async () => {
    await engine?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('binds free ports when configured with port 0', () => {
    expect(engine.mllp?.port).toBeGreaterThan(0);
    expect(engine.http?.port).toBeGreaterThan(0);
  });

  it('acknowledges MLLP messages AA and serves the Patient by identifier', async () => {
    const client = await MllpClient.connect('127.0.0.1', engine.mllp!.port);
    try {
      const acks = await Promise.all([client.send(adt('IT-1', 'PATIT001')), client.send(adt('IT-2', 'PATIT002'))]);
      expect(acks.map(msa).map((f) => [f[1], f[2]])).toEqual([['AA', 'IT-1'], ['AA', 'IT-2']]);
    } finally {
      await client.close();
    }
    const bundle = await eventually(async () => {
      const res = await fetch(`${base}/fhir/Patient?identifier=PATIT001`);
      const body = (await res.json()) as { total?: number; entry?: { resource: { id: string; resourceType: string } }[] };
      return body.total === 1 ? { res, body } : undefined;
    });
    expect(bundle.res.headers.get('content-type')).toContain('application/fhir+json');
    const patient = bundle.body.entry![0]!.resource;
    expect(patient.resourceType).toBe('Patient');
    const read = await fetch(`${base}/fhir/Patient/${patient.id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(patient.id);
    const history = await fetch(`${base}/fhir/Patient/${patient.id}/_history`);
    expect(((await history.json()) as { type: string }).type).toBe('history');
  });

  it('takes HL7 v2 over HTTP and answers the ACK', async () => {
    const res = await fetch(`${base}/hl7v2`, { method: 'POST', headers: { 'content-type': 'x-application/hl7-v2+er7' }, body: adt('IT-HTTP', 'PATIT003') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('x-application/hl7-v2+er7');
    expect(msa(await res.text()).slice(1, 3)).toEqual(['AA', 'IT-HTTP']);
    const res2 = await fetch(`${base}/hl7v2`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'garbage' });
    expect(msa(await res2.text())[1]).toBe('AR');
  });

  it('keeps bad messages as failed, lists them, and reprocesses one', async () => {
    const client = await MllpClient.connect('127.0.0.1', engine.mllp!.port);
    let ack: string;
    try {
      ack = await client.send(adt('IT-SIU', 'PATIT004').replace('ADT^A01^ADT_A01', 'SIU^S12^SIU_S12'));
    } finally {
      await client.close();
    }
    expect(msa(ack)[1]).toBe('AR');
    expect(ack).toMatch(/\rERR\|/);
    const list = (await (await fetch(`${base}/messages?status=failed`)).json()) as { id: string; controlId?: string; raw?: unknown }[];
    const failed = list.find((m) => m.controlId === 'IT-SIU');
    expect(failed).toBeDefined();
    expect(failed!.raw).toBeUndefined();
    const detail = (await (await fetch(`${base}/messages/${failed!.id}`)).json()) as { outcome?: { issue: unknown[] }; versions: unknown[] };
    expect(detail.outcome?.issue.length).toBeGreaterThan(0);
    expect(detail.versions).toEqual([]);
    const re = await fetch(`${base}/messages/${failed!.id}/$reprocess`, { method: 'POST' });
    expect(re.status).toBe(202);
    expect(await re.json()).toEqual({ count: 1 });
    // Still unsupported: it fails again, and stays listed.
    await eventually(async () => {
      const m = (await (await fetch(`${base}/messages/${failed!.id}`)).json()) as { status: string; attempts: number };
      return m.status === 'failed' && m.attempts >= 1 ? m : undefined;
    });
  });

  it('answers AR to garbage, an empty frame and an oversize frame on one connection, and keeps serving', async () => {
    const client = await MllpClient.connect('127.0.0.1', engine.mllp!.port);
    let acks: string[];
    try {
      const huge = adt('IT-BIG', 'PATIT005') + '\rNTE|1||' + 'x'.repeat(100 * 1024);
      acks = await Promise.all([
        client.send(Buffer.from([0x00, 0xff, 0xfe, 0x01])),
        client.send(''),
        client.send(huge),
        client.send(adt('IT-AFTER', 'PATIT006')),
      ]);
    } finally {
      await client.close();
    }
    expect(acks.map((a) => msa(a)[1])).toEqual(['AR', 'AR', 'AR', 'AA']);
    expect(acks.slice(0, 3).every((a) => /\rERR\|/.test(a))).toBe(true);
    const failed = (await (await fetch(`${base}/messages?status=failed&limit=1000`)).json()) as { controlId?: string; sizeBytes: number }[];
    const big = failed.find((m) => m.controlId === 'IT-BIG');
    expect(big?.sizeBytes).toBeGreaterThan(100 * 1024);
    expect(failed.filter((m) => m.sizeBytes <= 4).length).toBeGreaterThanOrEqual(2); // garbage and empty kept too
  });

  it('answers errors as OperationOutcome: 404 for unknown type or id, 400 for unsupported parameters', async () => {
    const unknownType = await fetch(`${base}/fhir/Spaceship/1`);
    expect(unknownType.status).toBe(404);
    expect(((await unknownType.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect((await fetch(`${base}/fhir/Patient/does-not-exist`)).status).toBe(404);
    const badParam = await fetch(`${base}/fhir/Patient?name=Everyman`);
    expect(badParam.status).toBe(400);
    expect(((await badParam.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect((await fetch(`${base}/messages/not-an-id`)).status).toBe(404);
  });

  it('reports health with counts by status', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { database: string; messages: Record<string, number> };
    expect(body.database).toBe('ok');
    expect(body.messages.failed).toBeGreaterThanOrEqual(1);
  });
});

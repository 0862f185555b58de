import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import { MllpClient } from '@hie/transport';
import { startEngine, type RunningEngine } from '../engine.bootstrap.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ccd = readFileSync(join(repoRoot, 'fixtures/cda/CCD.ccda'));

interface Json {
  [key: string]: unknown;
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

/** The same document under another id, so each test writes resources of its own. */
function variant(tag: string): Buffer {
  return Buffer.from(ccd.toString('utf8').replace(/(<ClinicalDocument[\s\S]*?<id\b[^>]*?extension=")([^"]*)"/, `$1$2-${tag}"`), 'utf8');
}

describe('POST /cda on embedded defaults (SQLite, in-process queue)', () => {
  let dataDir: string;
  let engine: RunningEngine;
  let base: string;

  const post = (body: string | Buffer, contentType = 'application/cda+xml', query = ''): Promise<Response> =>
    fetch(`${base}/cda${query}`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const message = async (id: string): Promise<Json> => (await (await fetch(`${base}/messages/${id}`)).json()) as Json;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hie-cda-'));
    const config = loadConfig(
      { HIE_DATA_DIR: dataDir, HIE_MLLP_PORT: '0', HIE_HTTP_PORT: '0', HIE_DICOM_PORT: '0', HIE_MAPPINGS_DIR: join(repoRoot, 'mappings'), HIE_LOG_LEVEL: 'warn', HIE_CDA_MAX_BYTES: String(512 * 1024), HIE_CDA_MAX_DEPTH: '100', HIE_MAX_FRAME_BYTES: String(4 * 1024 * 1024) },
      repoRoot,
    );
    engine = await startEngine(config);
    base = `http://127.0.0.1:${engine.http!.port}`;
  });

  afterAll(async () => {
    await engine?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 202 with the id and Location, then the worker converts it: the Composition is readable', async () => {
    const res = await post(variant('async'));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`/messages/${id}`);
    const done = await eventually(async () => {
      const m = await message(id);
      return m.status !== 'received' ? m : undefined;
    });
    expect(done).toMatchObject({ format: 'cda', channel: 'http', messageType: 'CDA^34133-9' });
    expect(['converted', 'stored', 'anchored']).toContain(done.status);
    const versions = done.versions as { type: string; id: string }[];
    const composition = versions.find((v) => v.type === 'Composition');
    expect(composition).toBeDefined();
    const read = await fetch(`${base}/fhir/Composition/${composition!.id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as Json).resourceType).toBe('Composition');
    expect(versions.map((v) => v.type)).toEqual(expect.arrayContaining(['Patient', 'DocumentReference']));
  });

  it('answers 200 with the document Bundle for ?sync=true, and records the message as converted once', async () => {
    const res = await post(variant('sync'), 'application/xml; charset=utf-8', '?sync=true');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = (await res.json()) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry[0]!.resource.resourceType).toBe('Composition');
    const id = res.headers.get('location')!.split('/').pop()!;
    const m = await eventually(async () => {
      const x = await message(id);
      return x.status !== 'received' ? x : undefined;
    });
    expect(m.attempts).toBe(1);
    // Every resource of the answered document was committed (unchanged ones as no-op updates).
    expect(m.resourceCount).toBe(bundle.entry.length);
    expect((m.versions as { type: string }[]).map((v) => v.type)).toEqual(expect.arrayContaining(['Composition', 'DocumentReference']));
  });

  it('refuses hostile XML with 400 and the refusal code, keeping it as a failed message', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3">&x;</ClinicalDocument>';
    const res = await post(xxe, 'text/xml');
    expect(res.status).toBe(400);
    const outcome = (await res.json()) as { resourceType: string; issue: { details: { coding: { code: string }[] } }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]!.details.coding[0]!.code).toBe('XML_DOCTYPE_REFUSED');
    expect(JSON.stringify(outcome)).not.toContain('root:');
    const id = res.headers.get('location')!.split('/').pop()!;
    expect(await message(id)).toMatchObject({ status: 'failed', format: 'cda' });
    const deep = await post(`<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(150)}${'</a>'.repeat(150)}</ClinicalDocument>`);
    expect(deep.status).toBe(400);
    expect(JSON.stringify(await deep.json())).toContain('XML_TOO_DEEP');
  });

  it('keeps the head of a body over the limit (with its size), answers 413, and keeps serving', async () => {
    const big = Buffer.concat([Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3">'), Buffer.alloc(1024 * 1024, 0x20), Buffer.from('</ClinicalDocument>')]);
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(JSON.stringify(await res.json())).toContain('XML_TOO_LARGE');
    const id = res.headers.get('location')!.split('/').pop()!;
    expect(await message(id)).toMatchObject({ status: 'failed', sizeBytes: big.length });
    expect((await post(variant('after-big'))).status).toBe(202);
  });

  it('stops reading a body past the frame limit: keeps its head as failed, closes that connection, keeps serving', async () => {
    const answer = await new Promise<{ status?: number; connection?: string }>((resolve) => {
      const req = request(`${base}/cda`, { method: 'POST', headers: { 'content-type': 'application/xml' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
      });
      // The server may close while we still write: that is the point, not an error of the test.
      req.on('error', () => resolve({}));
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      req.write('<ClinicalDocument xmlns="urn:hl7-org:v3">');
      let written = 0;
      const pump = (): void => {
        while (written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    if (answer.status !== undefined) {
      expect(answer.status).toBe(413);
      expect(answer.connection).toBe('close');
    }
    const failed = (await (await fetch(`${base}/messages?status=failed&limit=1000`)).json()) as { sizeBytes: number; format: string }[];
    expect(failed.some((m) => m.format === 'cda' && m.sizeBytes > 4 * 1024 * 1024)).toBe(true);
    expect((await post(variant('after-cut'))).status).toBe(202);
  });

  it('answers 415 to other media types and stores nothing', async () => {
    const before = ((await (await fetch(`${base}/messages?limit=1000`)).json()) as unknown[]).length;
    expect((await post('{"a":1}', 'application/json')).status).toBe(415);
    expect((await post('MSH|^~\\&|', 'text/plain')).status).toBe(415);
    expect((await post('x', 'application/octet-stream')).status).toBe(415);
    const after = ((await (await fetch(`${base}/messages?limit=1000`)).json()) as unknown[]).length;
    expect(after).toBe(before);
  });

  it('converts an MDM^T02 carrying a base64 CDA over MLLP through the CDA path', async () => {
    const doc = variant('mdm').toString('base64');
    const mdm = [
      'MSH|^~\\&|DOCAPP|DOCFAC|HIE|HIE|20240101120000+0000||MDM^T02^MDM_T02|MDM-IT-1|P|2.5.1',
      'EVN|T02|20240101120000+0000',
      'PID|1||MDMPAT1^^^HOSP^MR||Doe^Jane||19800101|F',
      'TXA|1|CN|TX|20240101115500+0000||20240101120000+0000||||||DOC-MDM-1||||||AU',
      `OBX|1|ED|34133-9^Summary of episode note^LN||^text^xml^Base64^${doc}||||||F`,
    ].join('\r');
    const client = await MllpClient.connect('127.0.0.1', engine.mllp!.port);
    let ack: string;
    try {
      ack = await client.send(mdm);
    } finally {
      await client.close();
    }
    expect(ack).toMatch(/\rMSA\|AA\|MDM-IT-1/);
    const list = (await (await fetch(`${base}/messages?limit=1000`)).json()) as { id: string; controlId?: string }[];
    const id = list.find((m) => m.controlId === 'MDM-IT-1')!.id;
    const done = await eventually(async () => {
      const m = await message(id);
      return m.status !== 'received' ? m : undefined;
    });
    expect(done).toMatchObject({ format: 'hl7v2', messageType: 'MDM^T02' });
    expect((done.versions as { type: string }[]).map((v) => v.type)).toContain('Composition');
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFER_SYNTAXES } from '@hie/dicom';
import { DimseServer, splitPart10, type DimseStoreInput, type DimseStoreResult } from '@hie/transport';
import { repoRoot, runHie } from '../support/run-hie.spec-helpers.js';

const corpus = (name: string): string => join(repoRoot, 'fixtures/dicom/pydicom', name);
/** Patient names in the files sent: never printed. */
const PATIENT_NAMES = /CompressedSamples|Lestrade|Lastname\^Firstname|CT1|MR1/;

const run = runHie;

interface Received extends Omit<DimseStoreInput, 'body'> {
  bytes: Buffer;
}

/** A Storage SCP with a fake intake that keeps every data set and refuses the truncated file's. */
async function startScp(transferSyntaxUids: ReadonlySet<string> = new Set(TRANSFER_SYNTAXES.keys())): Promise<{ port: number; received: Received[]; server: DimseServer }> {
  const received: Received[] = [];
  const truncatedLength = splitPart10(readFileSync(corpus('MR_truncated.dcm'))).dataset.length;
  const server = new DimseServer({
    host: '127.0.0.1',
    port: 0,
    aeTitle: 'HIE',
    callingAeTitles: [],
    transferSyntaxUids,
    onStore: async ({ body, ...rest }): Promise<DimseStoreResult> => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      received.push({ ...rest, bytes });
      return bytes.length === truncatedLength ? { ok: false, code: 'DICOM_TRUNCATED', reason: 'stream ended inside Pixel Data' } : { ok: true };
    },
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    closeTimeoutMillis: 2_000,
  });
  const { port } = await server.listen();
  return { port, received, server };
}

let dir: string;
const servers: { close(): Promise<void> | void }[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hie-cli-dicom-send-'));
  mkdirSync(join(dir, 'study', 'sub'), { recursive: true });
  copyFileSync(corpus('CT_small.dcm'), join(dir, 'study', 'ct.dcm'));
  copyFileSync(corpus('MR_small_implicit.dcm'), join(dir, 'study', 'sub', 'mr-no-extension'));
  writeFileSync(join(dir, 'study', 'notes.txt'), 'not DICOM');
  writeFileSync(join(dir, 'plain.dcm'), 'not DICOM either');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hie dicom send (C-STORE)', () => {
  it('sends a directory recursively and named files over one association, byte for byte, one status line each', async () => {
    const { port, received, server } = await startScp();
    servers.push(server);
    const { code, out, err } = await run('dicom', 'send', join(dir, 'study'), corpus('MR_truncated.dcm'), '--port', String(port));
    expect(err).toBe('');
    expect(out.split('\n').filter(Boolean)).toEqual([
      `${join(dir, 'study', 'ct.dcm')}: 0x0000`,
      `${join(dir, 'study', 'sub', 'mr-no-extension')}: 0x0000`,
      `${corpus('MR_truncated.dcm')}: 0xC000 DICOM_TRUNCATED: stream ended inside Pixel Data`,
    ]);
    expect(code).toBe(1);
    expect(out).not.toMatch(PATIENT_NAMES);
    const sent = ['CT_small.dcm', 'MR_small_implicit.dcm', 'MR_truncated.dcm'].map((name) => splitPart10(readFileSync(corpus(name))));
    expect(received.map((r) => [r.callingAeTitle, r.sopInstanceUid, r.transferSyntaxUid])).toEqual(sent.map((s) => ['HIE_SCU', s.sopInstanceUid, s.transferSyntaxUid]));
    received.forEach((r, i) => expect(r.bytes.equals(sent[i]!.dataset)).toBe(true));
  });

  it('exits 0 when all were stored; reports files it cannot send and a rejected association per file', async () => {
    const { port, server } = await startScp();
    servers.push(server);
    const ok = await run('dicom', 'send', join(dir, 'study', 'ct.dcm'), '--port', String(port), '--aet', 'MODALITY1', '--called-aet', 'HIE');
    expect(ok).toEqual({ code: 0, out: `${join(dir, 'study', 'ct.dcm')}: 0x0000\n`, err: '' });
    const refused = await run('dicom', 'send', join(dir, 'study', 'ct.dcm'), join(dir, 'plain.dcm'), '--port', String(port), '--called-aet', 'OTHER');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`${join(dir, 'plain.dcm')}: not sent (not a DICOM Part 10 file)\n`);
    expect(refused.out).toContain(`${join(dir, 'study', 'ct.dcm')}: no response (association rejected: result 1, source 1, reason 7)\n`);
    const bad = await run('dicom', 'send', join(dir, 'study'), '--port', String(port), '--aet', 'A\\B');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('CLI_BAD_AE_TITLE');
    const empty = await run('dicom', 'send', join(dir, 'study', 'sub', 'nothing-here'), '--port', String(port));
    expect(empty.code).toBe(1);
  });
  it('never transcodes: a file whose syntax the SCP refuses is not sent (no false success)', async () => {
    const { port, received, server } = await startScp(new Set(['1.2.840.10008.1.2'])); // implicit VR LE only
    servers.push(server);
    const ct = join(dir, 'study', 'ct.dcm'); // explicit VR LE
    const mr = join(dir, 'study', 'sub', 'mr-no-extension'); // implicit VR LE
    const { code, out } = await run('dicom', 'send', ct, mr, '--port', String(port));
    expect(out).toBe(`${mr}: 0x0000\n${ct}: no response (no presentation context accepted for its SOP class and transfer syntax, or the association ended)\n`);
    expect(code).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.bytes.equals(splitPart10(readFileSync(mr)).dataset)).toBe(true);
  });
});

describe('hie dicom send --stow', () => {
  it('streams one multipart/related request per file and prints stored/failed from the response data set', async () => {
    const requests: { contentType: string; contentLength: string | undefined; body: Buffer }[] = [];
    const http: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ contentType: req.headers['content-type'] ?? '', contentLength: req.headers['content-length'], body: Buffer.concat(chunks) });
        const first = requests.length === 1;
        const dataset = first
          ? { '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }] } }
          : { '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.4'] }, '00081197': { vr: 'US', Value: [0xc000] } }] } };
        res.writeHead(first ? 200 : 409, { 'content-type': 'application/dicom+json' }).end(JSON.stringify(dataset));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => http.close(() => resolve())) });
    const address = http.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/dicomweb/studies`;
    const files = [join(dir, 'study', 'ct.dcm'), corpus('MR_truncated.dcm')];
    const { code, out, err } = await run('dicom', 'send', '--stow', url, ...files);
    expect(err).toBe('');
    expect(out).toBe(`${files[0]}: stored\n${files[1]}: failed 0xC000\n`);
    expect(code).toBe(1);
    expect(requests).toHaveLength(2);
    requests.forEach((r, i) => {
      const boundary = /^multipart\/related; type="application\/dicom"; boundary=(\S+)$/.exec(r.contentType)?.[1];
      expect(boundary).toBeDefined();
      const expected = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
        readFileSync(files[i]!),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      expect(r.body.equals(expected)).toBe(true);
      expect(r.contentLength).toBe(String(expected.length));
    });
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import dimse from 'dcmjs-dimse';
import { DimseServer } from './dimse.server.js';
import type { DimseServerOptions } from './dimse-server.options.js';
import type { DimseStoreInput, DimseStoreResult } from './dimse-store.port.js';
import { DimseTransferAbortedError } from './storage.scp.js';
import { associate, collect, corpusFile, cuttingRelay, echoRequest, rawStoreRequest, splitPart10 } from './dimse.spec-helpers.js';
import { TEST_TRANSFER_SYNTAXES } from './transfer-syntaxes.spec-helpers.js';

const { RejectReason, Status, TransferSyntax } = dimse.constants;
const { CStoreRequest } = dimse.requests;

interface Received extends Omit<DimseStoreInput, 'body'> {
  bytes: Buffer;
}

const servers: DimseServer[] = [];
const logs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  logs.length = 0;
});

/** A server whose fake intake reads every body whole and answers `answer(received)`. */
async function start(
  answer: (received: Received) => DimseStoreResult | Promise<DimseStoreResult> = () => ({ ok: true }),
  overrides: Partial<DimseServerOptions> = {},
): Promise<{ server: DimseServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new DimseServer({
    host: '127.0.0.1',
    port: 0,
    aeTitle: 'HIE',
    callingAeTitles: [],
    transferSyntaxUids: TEST_TRANSFER_SYNTAXES,
    onStore: async ({ body, ...rest }) => {
      const item = { ...rest, bytes: await collect(body) };
      received.push(item);
      return answer(item);
    },
    logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    closeTimeoutMillis: 5_000,
    ...overrides,
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port, received };
}

describe('DimseServer: association', () => {
  it('answers C-ECHO with success', async () => {
    const { port } = await start();
    const outcome = await associate(port, [echoRequest()]);
    expect(outcome.accepted).toBe(true);
    expect(outcome.responses.map((r) => r.status)).toEqual([Status.Success]);
  });

  it('binds the configured host only and reports the port it got', async () => {
    const { port } = await start();
    expect(port).toBeGreaterThan(0);
    expect(logs.some((l) => l === `DIMSE listening on 127.0.0.1:${port} as HIE`)).toBe(true);
  });

  it('rejects an association calling another AE title (called AE not recognised)', async () => {
    const { port } = await start();
    const outcome = await associate(port, [echoRequest()], { calledAe: 'OTHER' });
    expect(outcome.accepted).toBe(false);
    expect(outcome.rejected).toEqual({ result: 1, source: 1, reason: RejectReason.CalledAeNotRecognized });
  });

  it('rejects a calling AE title missing from a configured list, admits the listed ones', async () => {
    const { port } = await start(undefined, { callingAeTitles: ['MODALITY1', 'PACS'] });
    const refused = await associate(port, [echoRequest()], { callingAe: 'STRANGER' });
    expect(refused.rejected).toEqual({ result: 1, source: 1, reason: RejectReason.CallingAeNotRecognized });
    const admitted = await associate(port, [echoRequest()], { callingAe: 'PACS' });
    expect(admitted.responses.map((r) => r.status)).toEqual([Status.Success]);
  });

  it('cuts a connection declaring a PDU larger than it would buffer, and keeps serving', async () => {
    const { server, port } = await start();
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    const header = Buffer.from([0x04, 0x00, 0xff, 0xff, 0xff, 0xf0]);
    socket.write(Buffer.concat([header, Buffer.alloc(1024)]));
    await closed;
    expect(logs.some((l) => l.includes('PDU of 4294967280 bytes refused'))).toBe(true);
    expect(server.bufferedBodyBytes).toBe(0);
    expect((await associate(port, [echoRequest()])).responses[0]?.status).toBe(Status.Success);
  });
});

describe('DimseServer: C-STORE', () => {
  const files = [
    'CT_small.dcm', // explicit VR little endian
    'MR_small_implicit.dcm', // implicit VR little endian
    'MR_small_bigendian.dcm', // explicit VR big endian
    'JPEG-lossy.dcm', // JPEG extended
    'SC_rgb_jpeg_dcmtk.dcm', // JPEG baseline
    'MR_small_RLE.dcm', // RLE
    'MR_small_jp2klossless.dcm', // JPEG 2000
    'MR_small_jpeg_ls_lossless.dcm', // JPEG-LS
    'image_dfl.dcm', // deflated
    'rtdose.dcm', // RT Dose (not in dcmjs-dimse's storage list)
    'liver_1frame.dcm', // Segmentation
  ];

  it('streams each data set to the handler byte for byte, in its negotiated syntax', async () => {
    const { port, received } = await start();
    const parts = files.map((name) => splitPart10(corpusFile(name)));
    const outcome = await associate(port, parts.map((p) => rawStoreRequest(p)));
    expect(outcome.responses.map((r) => r.status)).toEqual(files.map(() => Status.Success));
    expect(received).toHaveLength(files.length);
    received.forEach((item, i) => {
      const expected = parts[i]!;
      expect(item.transferSyntaxUid).toBe(expected.transferSyntaxUid);
      expect(item.sopClassUid).toBe(expected.sopClassUid);
      expect(item.sopInstanceUid).toBe(expected.sopInstanceUid);
      expect(item.callingAeTitle).toBe('SCU');
      expect(sha256(item.bytes)).toBe(sha256(expected.dataset));
    });
  });

  it('takes a store from a stock dcmjs-dimse SCU in the first syntax it proposes', async () => {
    const { port, received } = await start();
    const path = new URL('../../../../fixtures/dicom/pydicom/CT_small.dcm', import.meta.url);
    const file = existsOrCorpus(path.pathname, '/work/shared/corpus/dicom/pydicom/CT_small.dcm');
    const outcome = await associate(port, [new CStoreRequest(file)], { exactContexts: false });
    expect(outcome.responses.map((r) => r.status)).toEqual([Status.Success]);
    // dcmjs-dimse proposes implicit VR little endian first, and transcodes to it.
    expect(received[0]?.transferSyntaxUid).toBe(TransferSyntax.ImplicitVRLittleEndian);
    expect(received[0]?.sopInstanceUid).toBe(splitPart10(corpusFile('CT_small.dcm')).sopInstanceUid);
  });

  it('maps intake refusals to failure statuses with an Error Comment, and the association stays usable', async () => {
    const answers: DimseStoreResult[] = [
      { ok: false, code: 'DICOM_TRUNCATED', reason: 'stream ended inside element (7FE0,0010) at offset 9318' },
      { ok: false, code: 'DICOM_MISSING_ATTRIBUTE', reason: 'SOP Instance UID (0008,0018) missing' },
      { ok: false, code: 'DICOM_STORE_FAILED', reason: 'content store unavailable' },
      { ok: true },
    ];
    let n = 0;
    const { port } = await start(() => answers[n++]!);
    const truncated = splitPart10(corpusFile('MR_truncated.dcm'));
    const ct = splitPart10(corpusFile('CT_small.dcm'));
    const outcome = await associate(port, [rawStoreRequest(truncated), rawStoreRequest(ct), rawStoreRequest(ct), rawStoreRequest(ct)]);
    expect(outcome.responses.map((r) => r.status)).toEqual([0xc000, 0xa900, 0xa700, Status.Success]);
    const comments = outcome.responses.map((r) => r.errorComment);
    expect(comments[0]).toMatch(/^DICOM_TRUNCATED: stream ended inside element \(7FE0,0010\)/);
    expect(comments[1]).toBe('DICOM_MISSING_ATTRIBUTE: SOP Instance UID (0008,0018) missing');
    expect(comments[2]).toBe('DICOM_STORE_FAILED: content store unavailable');
    // (The success response carries no Error Comment on the wire, but dcmjs-dimse's SCU keeps
    // the previous response's one in its parsed copy, so it is not asserted here.)
    for (const c of comments.slice(0, 3)) expect(c!.length).toBeLessThanOrEqual(64);
    expect(outcome.responses[0]?.sopInstanceUid).toBe(truncated.sopInstanceUid);
  });

  it('answers a handler that throws with 0xA700 and keeps serving', async () => {
    const { port } = await start(() => {
      throw new Error('database down');
    });
    const outcome = await associate(port, [rawStoreRequest(splitPart10(corpusFile('CT_small.dcm')))]);
    expect(outcome.responses.map((r) => [r.status, r.errorComment])).toEqual([[0xa700, 'DICOM_STORE_FAILED: store failed']]);
    expect(logs.join('\n')).not.toContain('database down');
  });

  it('answers a handler that stops reading early, dropping the rest of the data set', async () => {
    const server = new DimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: 'HIE',
      callingAeTitles: [],
      transferSyntaxUids: TEST_TRANSFER_SYNTAXES,
      bodyHighWaterMark: 64 * 1024,
      onStore: async ({ body }) => {
        for await (const chunk of body) if (chunk.length > 0) break;
        return { ok: false, code: 'DICOM_HEADER_TOO_LARGE', reason: 'header over 1 KiB' };
      },
    });
    servers.push(server);
    const { port } = await server.listen();
    const big = bigDataset(8 * 1024 * 1024);
    const outcome = await associate(port, [rawStoreRequest(big), rawStoreRequest(big)]);
    expect(outcome.responses.map((r) => r.status)).toEqual([0xa700, 0xa700]);
  });

  it('survives an SCU that disconnects mid-store: the handler sees an aborted body, the next association works', async () => {
    const seen: string[] = [];
    const { port, received } = await start();
    const server = new DimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: 'HIE',
      callingAeTitles: [],
      transferSyntaxUids: TEST_TRANSFER_SYNTAXES,
      onStore: async ({ body }) => {
        try {
          const bytes = await collect(body);
          seen.push(`complete ${bytes.length}`);
          return { ok: true };
        } catch (error) {
          seen.push(error instanceof DimseTransferAbortedError ? `aborted ${error.bytesReceived} ${error.code}` : 'other');
          throw error;
        }
      },
    });
    servers.push(server);
    const { port: cutPort } = await server.listen();
    const relay = await cuttingRelay(cutPort, 600_000);
    try {
      const outcome = await associate(relay.port, [rawStoreRequest(bigDataset(2 * 1024 * 1024))]);
      expect(outcome.responses).toEqual([]);
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toMatch(/^aborted \d+ DICOM_TRUNCATED$/);
      const receivedBytes = Number(seen[0]!.split(' ')[1]);
      expect(receivedBytes).toBeGreaterThan(0);
      expect(receivedBytes).toBeLessThan(600_000);
      await waitFor(() => server.connectionCount === 0);
      // The same server takes the next association, and so does the other one.
      const again = await associate(cutPort, [rawStoreRequest(splitPart10(corpusFile('MR_small.dcm')))]);
      expect(again.responses.map((r) => r.status)).toEqual([Status.Success]);
      expect(seen[1]).toMatch(/^complete \d+$/);
      expect((await associate(port, [echoRequest()])).responses[0]?.status).toBe(Status.Success);
      expect(received).toHaveLength(0);
    } finally {
      await relay.close();
    }
  });

  it('bounds what it buffers for a slow handler by pausing the socket', async () => {
    const highWaterMark = 256 * 1024;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstChunk: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstChunk = resolve));
    const hash = createHash('sha256');
    const server = new DimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: 'HIE',
      callingAeTitles: [],
      transferSyntaxUids: TEST_TRANSFER_SYNTAXES,
      bodyHighWaterMark: highWaterMark,
      onStore: async ({ body }) => {
        for await (const chunk of body) {
          hash.update(chunk);
          firstChunk();
          await gate;
        }
        return { ok: true };
      },
    });
    servers.push(server);
    const { port } = await server.listen();
    const big = bigDataset(32 * 1024 * 1024);
    const pending = associate(port, [rawStoreRequest(big)], { pduTimeout: 30_000 });
    await started;
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      await sleep(25);
      peak = Math.max(peak, server.bufferedBodyBytes);
    }
    // Queued: at most the mark plus one socket read and one PDU; far below the 32 MiB sent.
    expect(peak).toBeGreaterThanOrEqual(highWaterMark);
    expect(peak).toBeLessThan(highWaterMark + 512 * 1024);
    release();
    const outcome = await pending;
    expect(outcome.responses.map((r) => r.status)).toEqual([Status.Success]);
    expect(hash.digest('hex')).toBe(sha256(big.dataset));
  });
});

describe('DimseServer: close', () => {
  it('answers the C-STORE in flight before it closes, and refuses new connections', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const { server, port } = await start(async () => {
      entered();
      await gate;
      return { ok: true };
    });
    const pending = associate(port, [rawStoreRequest(splitPart10(corpusFile('CT_small.dcm')))]);
    await inHandler;
    const closing = server.close();
    await sleep(50);
    release();
    const outcome = await pending;
    await closing;
    expect(outcome.responses.map((r) => r.status)).toEqual([Status.Success]);
    expect(server.connectionCount).toBe(0);
  });
});

/** A synthetic data set of `size` bytes (a stand-in: the fake intake does not parse it). */
function bigDataset(size: number) {
  const dataset = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) dataset.writeUInt32LE(i, i);
  return { sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: '2.25.1', transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian, dataset };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function existsOrCorpus(path: string, fallback: string): string {
  return existsSync(path) ? path : fallback;
}

async function waitFor(condition: () => boolean, timeoutMillis = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

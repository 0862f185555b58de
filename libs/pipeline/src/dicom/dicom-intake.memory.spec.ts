import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import { openEnvelopeStream } from '@hie/crypto';
import { DicomInstanceRepository, MessageRepository, openDatabase, type DataSource } from '@hie/store';
import { openProtectionStack, type ProtectionStack } from '../protect/protection.stack.js';
import { DicomIntakeService } from './dicom-intake.service.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const MiB = 1024 * 1024;
const PIXEL_BYTES = 200 * MiB;

/**
 * A valid Part 10 header (CT_small's, explicit VR LE, everything before its Pixel Data) followed by
 * a 200 MiB Pixel Data (OW) of zeros, produced chunk by chunk: nothing holds the object.
 */
async function syntheticInstance(): Promise<{ head: Buffer; body: () => AsyncIterable<Uint8Array>; size: number }> {
  const ct = await readFile(join(repoRoot, 'fixtures/dicom/pydicom/CT_small.dcm'));
  const pixelTag = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0x00, 0x00]); // (7FE0,0010) OW
  const at = ct.lastIndexOf(pixelTag);
  expect(at).toBeGreaterThan(132);
  const element = Buffer.alloc(12);
  pixelTag.copy(element, 0);
  element.writeUInt32LE(PIXEL_BYTES, 8);
  const head = Buffer.concat([ct.subarray(0, at), element]);
  const zeros = Buffer.alloc(MiB);
  return {
    head,
    size: head.length + PIXEL_BYTES,
    body: async function* () {
      yield head;
      // A fresh view each time: the reader must not keep references to what it was given.
      for (let sent = 0; sent < PIXEL_BYTES; sent += MiB) yield zeros.subarray(0, MiB);
    },
  };
}

describe('DicomIntakeService memory', () => {
  let dir: string;
  let dataSource: DataSource;
  let stack: ProtectionStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-dicom-memory-'));
    const config = loadConfig({ HIE_DATA_DIR: dir }, repoRoot);
    dataSource = await openDatabase(config.database);
    stack = await openProtectionStack(config.protect, dataSource);
  });
  afterAll(async () => {
    await stack?.close();
    await dataSource?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a 200 MiB instance through with RSS growth well under 100 MB', async () => {
    const instances = new DicomInstanceRepository(dataSource);
    const intake = new DicomIntakeService(
      { store: instances, messages: new MessageRepository(dataSource), keys: stack.dataKeys, contents: stack.contents, hasher: stack.hasher, queue: { enqueue: async () => {} } },
      { idSecret: 'memory-test', maxHeaderBytes: 16 * MiB },
    );
    const synthetic = await syntheticInstance();
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    const result = await intake.accept({ channel: 'dicomweb', body: synthetic.body() });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const growthMb = (peak - before) / 1e6;
    console.log(`200 MiB instance: ${(synthetic.size / MiB / seconds).toFixed(0)} MiB/s, RSS growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(150);

    // And it reads back whole and exact (hash compared while streaming: nothing held here either).
    const row = await instances.findBySopInstanceUid((result as { sopInstanceUid: string }).sopInstanceUid);
    expect(row!.plaintextBytes).toBe(synthetic.size);
    const hash = createHash('sha256');
    let n = 0;
    const key = await stack.dataKeys.byKeyId(row!.dataKeyId);
    for await (const chunk of openEnvelopeStream(key, Buffer.from(`DicomInstance/${row!.recordId}/_history/${row!.versionId}`), stack.contents.get(row!.cid))) {
      hash.update(chunk);
      n += chunk.length;
    }
    expect(n).toBe(synthetic.size);
    expect(hash.digest('hex')).toBe(row!.contentHash);
  });
});

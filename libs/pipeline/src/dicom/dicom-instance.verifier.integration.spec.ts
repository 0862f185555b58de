import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import { readDicomHeader, type DicomInstanceHeader } from '@hie/dicom';
import { InProcessQueue } from '@hie/queue';
import { DicomInstanceRepository, MessageRepository, openDatabase, type DataSource } from '@hie/store';
import { openProtectionStack, type ProtectionStack } from '../protect/protection.stack.js';
import type { VerifyReport } from '../protect/record.verifier.js';
import { DicomInstanceVerifier } from './dicom-instance.verifier.js';
import { DicomIntakeService } from './dicom-intake.service.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const corpus = join(repoRoot, 'fixtures/dicom/pydicom');
/** Instances with distinct SOP Instance UIDs: one per tampering, so each test starts from an intact one. */
const FILES = ['CT_small.dcm', 'JPEG-lossy.dcm', 'MR_small.dcm', 'rtplan.dcm', 'SC_rgb_small_odd.dcm'] as const;

function failed(report: VerifyReport): string[] {
  return report.checks.filter((c) => !c.ok).map((c) => c.name);
}

describe('DicomInstanceVerifier on SQLite with the real intake, the local content store and the embedded ledger', () => {
  let dir: string;
  let dataSource: DataSource;
  let stack: ProtectionStack;
  let queue: InProcessQueue;
  let instances: DicomInstanceRepository;
  let verifier: DicomInstanceVerifier;
  const headers = new Map<string, DicomInstanceHeader>();

  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => dataSource.query(sql, params) as Promise<T[]>;
  const header = (name: (typeof FILES)[number]): DicomInstanceHeader => headers.get(name)!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-dicom-verify-'));
    const config = loadConfig({ HIE_DATA_DIR: dir, HIE_DICOM_DEFAULT_ISSUER: 'HOSP' }, repoRoot);
    dataSource = await openDatabase(config.database);
    stack = await openProtectionStack(config.protect, dataSource);
    queue = new InProcessQueue();
    queue.consume(async () => undefined, { concurrency: 1 });
    instances = new DicomInstanceRepository(dataSource);
    const intake = new DicomIntakeService(
      { store: instances, messages: new MessageRepository(dataSource), keys: stack.dataKeys, contents: stack.contents, hasher: stack.hasher, queue },
      { idSecret: config.idSecret, maxHeaderBytes: config.dicom.maxHeaderBytes, defaultIssuer: 'HOSP' },
    );
    for (const name of FILES) {
      const result = await intake.accept({ channel: 'dicomweb', body: createReadStream(join(corpus, name), { highWaterMark: 64 * 1024 }) });
      expect(result.ok, `${name}: ${JSON.stringify(result)}`).toBe(true);
      headers.set(name, readDicomHeader(await readFile(join(corpus, name))));
    }
    verifier = new DicomInstanceVerifier(
      { records: stack.records, index: instances, contents: stack.contents, keys: stack.dataKeys, ledger: stack.ledger, hasher: stack.hasher },
      { idSecret: config.idSecret },
    );
  });
  afterAll(async () => {
    await queue?.close();
    await stack?.close();
    await dataSource?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('before anchoring: the object checks pass, the Merkle proof and anchor wait for a batch', async () => {
    const report = await verifier.verify({ sopInstanceUid: header('CT_small.dcm').sopInstanceUid });
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['content-hash', true],
      ['ciphertext', true],
      ['merkle-proof', false],
      ['anchor', false],
    ]);
    expect(report.ok).toBe(false);
  });

  it('an anchored instance verifies: every check passes, with the evidence of FHIR verification', async () => {
    expect((await stack.batcher.tick()).batchesAnchored).toBe(1);
    const h = header('CT_small.dcm');
    const row = (await instances.findBySopInstanceUid(h.sopInstanceUid))!;
    const report = await verifier.verify({ sopInstanceUid: h.sopInstanceUid, studyInstanceUid: h.studyInstanceUid, seriesInstanceUid: h.seriesInstanceUid });
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['content-hash', true],
      ['ciphertext', true],
      ['merkle-proof', true],
      ['anchor', true],
    ]);
    expect(report).toMatchObject({ ok: true, type: 'DicomInstance', id: row.recordId, versionId: 1, cid: row.cid });
    expect(report.checks[0]!.detail).toContain(row.contentHash);
    expect(report.txHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an unknown instance, or one named under another study, is not found', async () => {
    const h = header('CT_small.dcm');
    await expect(verifier.verify({ sopInstanceUid: '1.2.3.4.5.6.7' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(verifier.verify({ sopInstanceUid: h.sopInstanceUid, studyInstanceUid: '1.2.3' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(verifier.verify({ sopInstanceUid: 'not-a-uid' })).rejects.toMatchObject({ code: 'DICOM_QUERY_INVALID' });
  });

  it('names the altered object: one byte of the content-store file rewritten', async () => {
    const sop = header('JPEG-lossy.dcm').sopInstanceUid;
    const row = (await instances.findBySopInstanceUid(sop))!;
    const file = join(dir, 'content', row.cid.slice(-2), row.cid);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await writeFile(file, bytes);
    const report = await verifier.verify({ sopInstanceUid: sop });
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['content-hash', 'ciphertext']);
    expect(report.checks.find((c) => c.name === 'ciphertext')!.detail).toMatch(/do not match it/);
  });

  it('names the altered record hash, and the altered keyed hash down to its Merkle proof', async () => {
    const mr = (await instances.findBySopInstanceUid(header('MR_small.dcm').sopInstanceUid))!;
    await query(`UPDATE protected_record SET content_hash = ? WHERE type = 'DicomInstance' AND id = ?`, ['0'.repeat(64), mr.recordId]);
    const byHash = await verifier.verify({ sopInstanceUid: mr.sopInstanceUid });
    expect(failed(byHash)).toEqual(['content-hash']);
    expect(byHash.checks[0]!.detail).toMatch(/does not hash to the recorded SHA-256/);

    const plan = (await instances.findBySopInstanceUid(header('rtplan.dcm').sopInstanceUid))!;
    await query(`UPDATE protected_record SET keyed_hash = ? WHERE type = 'DicomInstance' AND id = ?`, ['f'.repeat(64), plan.recordId]);
    const byKeyed = await verifier.verify({ sopInstanceUid: plan.sopInstanceUid });
    expect(failed(byKeyed)).toEqual(['content-hash', 'merkle-proof']);
    expect(byKeyed.checks[0]!.detail).toMatch(/keyed hash/);
  });

  it('names the altered index row', async () => {
    const sc = (await instances.findBySopInstanceUid(header('SC_rgb_small_odd.dcm').sopInstanceUid))!;
    await query(`UPDATE dicom_instance SET content_hash = ? WHERE sop_instance_uid = ?`, ['1'.repeat(64), sc.sopInstanceUid]);
    const report = await verifier.verify({ sopInstanceUid: sc.sopInstanceUid });
    expect(failed(report)).toEqual(['content-hash']);
    expect(report.checks[0]!.detail).toMatch(/index/);
  });

  it('an erased patient\'s instance reports the destroyed data key; the anchor still holds', async () => {
    const h = header('CT_small.dcm');
    const row = (await instances.findBySopInstanceUid(h.sopInstanceUid))!;
    expect((await stack.eraser.erase(row.patientResourceId!)).dataKeysDestroyed).toBe(1);
    expect(await instances.findBySopInstanceUid(h.sopInstanceUid)).toBeUndefined();
    const report = await verifier.verify({ sopInstanceUid: h.sopInstanceUid, studyInstanceUid: h.studyInstanceUid, seriesInstanceUid: h.seriesInstanceUid });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'content-hash')!.detail).toMatch(/data key was destroyed/);
    expect(report.checks.find((c) => c.name === 'anchor')!.ok).toBe(true);
  });
});

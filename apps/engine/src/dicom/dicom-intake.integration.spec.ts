import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@hie/config';
import type { DicomIntakeResult, DicomIntakeService } from '@hie/pipeline';
import { DicomInstanceRepository } from '@hie/store';
import { DICOM_INTAKE } from '../core/engine.tokens.js';
import { startEngine, type RunningEngine } from '../engine.bootstrap.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const corpus = join(repoRoot, 'fixtures/dicom/pydicom');

/**
 * The engine's DICOM intake wiring on embedded defaults: the intake service shares the engine's
 * database, keyring and content store; a refusal is listed as failed and, after a configuration
 * change and a restart, `POST /messages/{id}/$reprocess` stores it.
 */
describe('DICOM intake in the engine (SQLite, in-process queue)', () => {
  let dataDir: string;
  let engine: RunningEngine | undefined;

  const start = async (env: Record<string, string> = {}): Promise<{ engine: RunningEngine; base: string }> => {
    const config = loadConfig(
      { HIE_DATA_DIR: dataDir, HIE_MLLP_PORT: '0', HIE_HTTP_PORT: '0', HIE_DICOM_PORT: '0', HIE_MAPPINGS_DIR: join(repoRoot, 'mappings'), HIE_LOG_LEVEL: 'warn', ...env },
      repoRoot,
    );
    engine = await startEngine(config);
    return { engine, base: `http://127.0.0.1:${engine.http!.port}` };
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hie-engine-dicom-'));
  });
  afterAll(async () => {
    await engine?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses over the header limit, lists it as failed, and stores it on reprocess after the limit is raised', async () => {
    const first = await start({ HIE_DICOM_MAX_HEADER_BYTES: '1024' });
    const intake = first.engine.app.get<DicomIntakeService>(DICOM_INTAKE);
    const result: DicomIntakeResult = await intake.accept({ channel: 'dicomweb', body: createReadStream(join(corpus, 'CT_small.dcm')) });
    expect(result).toMatchObject({ ok: false, code: 'DICOM_HEADER_TOO_LARGE' });
    const id = (result as { messageId: string }).messageId;
    const failed = (await (await fetch(`${first.base}/messages?status=failed`)).json()) as { id: string; format: string; outcome: { issue: { details: { coding: { code: string }[] } }[] } }[];
    const listed = failed.find((m) => m.id === id);
    expect(listed).toMatchObject({ format: 'dicom' });
    expect(listed!.outcome.issue[0]!.details.coding[0]!.code).toBe('DICOM_HEADER_TOO_LARGE');
    // Same limit: refused again, nothing reprocessed.
    const same = await fetch(`${first.base}/messages/${id}/$reprocess`, { method: 'POST' });
    expect(await same.json()).toEqual({ count: 0 });
    expect(((await (await fetch(`${first.base}/messages/${id}`)).json()) as { status: string }).status).toBe('failed');
    await first.engine.close();
    engine = undefined;

    const second = await start();
    const reprocessed = await fetch(`${second.base}/messages/${id}/$reprocess`, { method: 'POST' });
    expect(reprocessed.status).toBe(202);
    expect(await reprocessed.json()).toEqual({ count: 1 });
    const index = second.engine.app.get(DicomInstanceRepository);
    const [row] = await index.instancesOfMessage(id);
    expect(row).toMatchObject({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', versionId: 1 });
    const detail = (await (await fetch(`${second.base}/messages/${id}`)).json()) as { status: string; outcome?: unknown };
    expect(detail.status).not.toBe('failed');
    expect(detail.outcome).toBeUndefined();
  });
});

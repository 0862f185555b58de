import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, type JsonObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { hie } from '../support/hie-cli.js';
import { repoRoot } from '../support/hl7-text.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';

/**
 * `hie dicom send` (the built CLI) against the built engine on PostgreSQL + Redis: two corpus
 * files by C-STORE over one association, one by STOW-RS; statuses printed per file, messages kept.
 */
const CORPUS = join(repoRoot, 'fixtures/dicom/pydicom');
const CALLING_AE = 'MODALITY1';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({
    env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix, HIE_DICOM_AE_TITLE: 'HIE', HIE_DICOM_CALLING_AE_TITLES: CALLING_AE },
  });
  await engine.waitForOutput(/DIMSE listening on 127\.0\.0\.1:\d+ as HIE/);
  api = new EngineApi(engine.httpUrl);
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

async function dicomMessages(channel: string): Promise<JsonObject[]> {
  return (await api.listMessages()).filter((m) => m.format === 'dicom' && m.channel === channel);
}

describe('hie dicom send (built CLI, built engine)', () => {
  it('C-STOREs two files over one association: one success line each, two dimse messages', async () => {
    const files = [join(CORPUS, 'CT_small.dcm'), join(CORPUS, 'JPEG-lossy.dcm')];
    const result = await hie(['dicom', 'send', ...files, '--port', engine.env.HIE_DICOM_PORT!, '--aet', CALLING_AE]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(files.map((f) => `${f}: 0x0000\n`).join(''));
    expect(result.code).toBe(0);
    expect(await dicomMessages('dimse')).toHaveLength(2);
    // A calling AE the engine does not admit: nothing stored, exit 1.
    const refused = await hie(['dicom', 'send', files[0]!, '--port', engine.env.HIE_DICOM_PORT!, '--aet', 'STRANGER']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(`${files[0]}: no response (association rejected: result 1, source 1, reason 3)\n`);
  });

  it('STOWs a file with --stow: "stored" from the response data set, one dicomweb message', async () => {
    const file = join(CORPUS, 'MR_small.dcm');
    const result = await hie(['dicom', 'send', '--stow', `${engine.httpUrl}/dicomweb/studies`, file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${file}: stored\n`);
    expect(result.code).toBe(0);
    expect(await dicomMessages('dicomweb')).toHaveLength(1);
    const truncated = join(CORPUS, 'MR_truncated.dcm');
    const failed = await hie(['dicom', 'send', '--stow', `${engine.httpUrl}/dicomweb/studies`, truncated]);
    expect(failed.stdout).toBe(`${truncated}: failed 0xC000\n`);
    expect(failed.code).toBe(1);
  });
});

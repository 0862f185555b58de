import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, versionIdOf } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { firstComponent, readAck, readHl7Fixture, uniqueVariant } from '../support/hl7-text.js';
import { MllpTestClient } from '../support/mllp-test-client.js';
import { waitFor } from '../support/wait-for.js';

const run = Math.random().toString(36).slice(2, 8).toUpperCase();
let engine: EngineProcess;
let api: EngineApi;

beforeAll(async () => {
  // No DATABASE_URL, no REDIS_URL: SQLite in HIE_DATA_DIR and the in-process queue.
  engine = await EngineProcess.start({ role: 'all' });
  api = new EngineApi(engine.httpUrl);
});

afterAll(async () => {
  await engine?.dispose();
});

describe('embedded defaults (SQLite file, in-process queue)', () => {
  it('accepts a message over MLLP and serves the converted Patient back', async () => {
    const message = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}EMB`);
    const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort);
    const ack = readAck(await client.send(message));
    await client.close();
    expect(ack).toMatchObject({ code: 'AA', controlId: `${run}EMB`, errors: [] });

    const mrn = firstComponent(message, 'PID', 3)!;
    const patient = await waitFor('the Patient', async () => (await api.search('Patient', { identifier: mrn }))[0]);
    expect(patient.resourceType).toBe('Patient');
    expect(versionIdOf(patient)).toBe('1');
    expect((await api.counts()).converted).toBe(1);
    // The database is a file in the data dir, nothing else.
    expect(readdirSync(engine.dataDir).some((f) => /\.(sqlite|db)$/.test(f))).toBe(true);
  });

  it('keeps its data across a restart (the SQLite file is the record)', async () => {
    await engine.restart();
    const counts = await api.counts();
    expect(counts.converted).toBe(1);
    expect(existsSync(engine.dataDir)).toBe(true);
  });
});

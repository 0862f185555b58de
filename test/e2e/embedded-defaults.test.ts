import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, versionIdOf } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { hie } from '../support/hie-cli.js';
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
    // Then protected and anchored on the embedded defaults: local content store, embedded ledger.
    const counts = await waitFor('the message anchored', async () => {
      const c = await api.counts();
      return c.anchored === 1 ? c : undefined;
    });
    expect(counts).toMatchObject({ received: 0, converted: 0, stored: 0, anchored: 1, failed: 0 });
    // The database is a file in the data dir; the keyring beside it, readable by its owner only.
    expect(readdirSync(engine.dataDir).some((f) => /\.(sqlite|db)$/.test(f))).toBe(true);
    expect(statSync(join(engine.dataDir, 'keyring.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(engine.dataDir, 'content')).length).toBeGreaterThan(0);

    const verify = await api.get(`/fhir/Patient/${String(patient.id)}/$verify`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ resourceType: 'Parameters' });
    const parameters = (verify.body as { parameter: { name: string; valueBoolean?: boolean; part?: { name: string; valueCode?: string; valueBoolean?: boolean }[] }[] }).parameter;
    expect(parameters.find((p) => p.name === 'result')?.valueBoolean).toBe(true);
    const checks = parameters.filter((p) => p.name === 'check').map((p) => [p.part?.find((x) => x.name === 'name')?.valueCode, p.part?.find((x) => x.name === 'ok')?.valueBoolean]);
    expect(checks).toEqual([
      ['resource-hash', true],
      ['ciphertext', true],
      ['decrypted-hash', true],
      ['merkle-proof', true],
      ['anchor', true],
    ]);
  });

  it('keeps its data across a restart (the SQLite file is the record)', async () => {
    await engine.restart();
    const counts = await api.counts();
    expect(counts.anchored).toBe(1);
    expect(existsSync(engine.dataDir)).toBe(true);
  });

  it('hie keys rotate re-wraps the data keys and hie ledger check walks the embedded ledger; records still verify', async () => {
    const env = { HIE_DATA_DIR: engine.dataDir };
    const rotated = await hie(['keys', 'rotate'], env);
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toMatch(/^new key-encryption key \S+; [1-9]\d* data keys re-wrapped\n$/);
    const keyring = JSON.parse(readFileSync(join(engine.dataDir, 'keyring.json'), 'utf8')) as { keks: unknown[] };
    expect(keyring.keks).toHaveLength(2);
    const checked = await hie(['ledger', 'check'], env);
    expect(checked.stdout).toMatch(/^embedded ledger intact: [1-9]\d* entries\n$/);
    expect(checked.code).toBe(0);
    // The running engine reads data keys wrapped under the new KEK (it re-reads the keyring).
    const patients = await api.search('Patient', { identifier: `MRN${run}EMB` });
    const verify = await hie(['verify', `Patient/${String(patients[0]!.id)}`, '--url', engine.httpUrl]);
    expect(verify.stdout).toMatch(/: VERIFIED\n/);
    expect(verify.code).toBe(0);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hie } from '../support/hie-cli.js';
import { EngineApi, isObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import { firstComponent, hl7FixturesDir, readHl7Fixture, setField, uniqueVariant } from '../support/hl7-text.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const run = Math.random().toString(36).slice(2, 8).toUpperCase();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;
let workDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({ env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix } });
  api = new EngineApi(engine.httpUrl);
  workDir = mkdtempSync(join(tmpdir(), 'hie-cli-e2e-'));
});

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the hie command', () => {
  it('hie convert FILE prints a FHIR transaction Bundle without any server', async () => {
    const result = await hie(['convert', join(hl7FixturesDir, 'ADT-A01-01.hl7')]);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('transaction');
    const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
    for (const t of ['Patient', 'Encounter', 'MessageHeader', 'Provenance']) expect(types).toContain(t);
  });

  it('hie convert exits 1 with an OperationOutcome for a message it cannot convert', async () => {
    const file = join(workDir, 'siu.hl7');
    writeFileSync(file, setField(readHl7Fixture('ADT-A01-01.hl7'), 'MSH', 9, 'SIU^S12^SIU_S12'));
    const result = await hie(['convert', file]);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('OperationOutcome');
  });

  it('hie send FILE... prints MSA|AA for each message', async () => {
    const a = join(workDir, 'send-a.hl7');
    const b = join(workDir, 'send-b.hl7');
    writeFileSync(a, uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}S1`));
    // Two messages in one file, separated by a blank line.
    writeFileSync(
      b,
      [uniqueVariant(readHl7Fixture('ADT-A04-01.hl7'), `${run}S2`), uniqueVariant(readHl7Fixture('ADT-A08-01.hl7'), `${run}S3`)]
        .map((m) => m.replaceAll('\r', '\n'))
        .join('\n\n'),
    );
    const result = await hie(['send', a, b, '--host', engine.mllpHost, '--port', String(engine.mllpPort)]);
    expect(result.code).toBe(0);
    // One line per ACK holding its MSA segment (the CLI may prefix it with the file name).
    const msa = result.stdout.split(/\r\n|\n|\r/).filter((l) => l.includes('MSA|'));
    expect(msa).toHaveLength(3);
    for (const [i, line] of msa.entries()) expect(line).toMatch(new RegExp(`MSA\\|AA\\|${run}S${i + 1}(\\||$)`));
    const mrn = firstComponent(readFileSync(a, 'utf8'), 'PID', 3)!;
    await waitFor('the sent Patient', async () => ((await api.search('Patient', { identifier: mrn })).length === 1 ? true : undefined));
  });

  it('hie ingest DIR sends a folder and prints a summary', async () => {
    const dir = join(workDir, 'ingest');
    const nested = join(dir, 'nested');
    for (const d of [dir, nested]) rmSync(d, { recursive: true, force: true });
    mkdirSync(nested, { recursive: true });
    const count = 24;
    for (let i = 0; i < count; i++) {
      writeFileSync(join(i % 2 ? nested : dir, `m${i}.hl7`), uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}I${i}`));
    }
    writeFileSync(join(dir, 'not-hl7.txt'), 'ignored');
    const result = await hie(['ingest', dir, '--host', engine.mllpHost, '--port', String(engine.mllpPort), '--connections', '3']);
    expect(result.code).toBe(0);
    const summary = `${result.stdout}\n${result.stderr}`;
    expect(summary).toMatch(new RegExp(`\\b${count}\\b`));
    expect(summary).toMatch(/AA\D{0,10}24|24\D{0,10}AA/);
    const stored = await waitFor('ingested messages', async () => {
      const all = await api.listMessages();
      const ours = all.filter((m) => String(m.controlId).startsWith(`${run}I`));
      return ours.length === count ? ours : undefined;
    });
    expect(stored.every((m) => isObject(m) && m.channel === 'mllp')).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, isObject, versionIdOf, versionsOf, type JsonObject } from '../support/engine-api.js';
import { EngineProcess } from '../support/engine-process.js';
import {
  firstComponent,
  getField,
  listHl7Fixtures,
  readAck,
  readHl7Fixture,
  setField,
  uniqueVariant,
} from '../support/hl7-text.js';
import { MllpTestClient, sendPipelined } from '../support/mllp-test-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { createRedisPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

/** Each run tags its control ids and MRNs, so nothing collides with earlier runs or other files. */
const run = Math.random().toString(36).slice(2, 8).toUpperCase();
const families = /^(ADT|ORU|ORM|OML|VXU|LAB-OR|LRI|IZ_|MDHHS-OML).*\.hl7$/;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: ReturnType<typeof createRedisPrefix>;
let engine: EngineProcess;
let api: EngineApi;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisPrefix();
  engine = await EngineProcess.start({
    role: 'all',
    env: { DATABASE_URL: db.url, REDIS_URL: redis.url, HIE_QUEUE_PREFIX: redis.prefix },
  });
  api = new EngineApi(engine.httpUrl);
});

afterAll(async () => {
  await engine?.dispose();
  await redis?.cleanup();
  await db?.drop();
});

async function sendOne(message: string): Promise<string> {
  const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort);
  try {
    return await client.send(message);
  } finally {
    await client.close();
  }
}

/** The one Patient with this identifier value, once `accept` says it is the state we wait for. */
async function patientBy(value: string, accept: (p: JsonObject) => boolean = () => true): Promise<JsonObject> {
  return waitFor(`Patient ${value}`, async () => {
    const found = await api.search('Patient', { identifier: value });
    if (found.length > 1) throw new Error(`${found.length} Patients share identifier ${value}`);
    return found[0] && accept(found[0]) ? found[0] : undefined;
  });
}

function familyOf(patient: JsonObject): string | undefined {
  const names = Array.isArray(patient.name) ? patient.name : [];
  const first = names[0];
  return isObject(first) && typeof first.family === 'string' ? first.family : undefined;
}

function identifierValues(resource: JsonObject): string[] {
  const ids = Array.isArray(resource.identifier) ? resource.identifier : [];
  return ids.flatMap((i) => (isObject(i) && typeof i.value === 'string' ? [i.value] : []));
}

describe('HL7 v2 over MLLP to FHIR on PostgreSQL + BullMQ', () => {
  it('acknowledges one message with AA (MSA-2 = MSH-10) and serves the Patient by identifier', async () => {
    const message = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), `${run}A01`);
    const ack = readAck(await sendOne(message));
    expect(ack.code).toBe('AA');
    expect(ack.controlId).toBe(`${run}A01`);
    expect(ack.errors).toEqual([]);

    const mrn = firstComponent(message, 'PID', 3)!;
    const patient = await patientBy(mrn);
    expect(patient.resourceType).toBe('Patient');
    expect(identifierValues(patient)).toContain(mrn);
    // PID-5.1.1 is the family name (EVERYMAN&&&&Aniston → EVERYMAN).
    expect(familyOf(patient)).toBe(getField(message, 'PID', 5)!.split('^')[0]!.split('&')[0]);
    expect(versionIdOf(patient)).toBe('1');

    const read = await api.get(`/fhir/Patient/${String(patient.id)}`);
    expect(read.status).toBe(200);
    expect(read.contentType).toContain('application/fhir+json');
    expect(read.body.id).toBe(patient.id);
    expect(await api.get('/fhir/Patient/does-not-exist')).toMatchObject({ status: 404, body: { resourceType: 'OperationOutcome' } });
  });

  it('takes every corpus message of the supported families pipelined on one connection, and converts them all', async () => {
    const names = listHl7Fixtures(families);
    expect(names.length).toBeGreaterThanOrEqual(40);
    const messages = names.map((name, i) => uniqueVariant(readHl7Fixture(name), `${run}P${i}`));
    const client = await MllpTestClient.connect(engine.mllpHost, engine.mllpPort);
    const acks = await sendPipelined(client, messages, 8);
    // One more, its frame split across several TCP packets.
    const split = uniqueVariant(readHl7Fixture('ADT-A04-01.hl7'), `${run}SPLIT`);
    const splitAck = readAck(await client.sendInPieces(split, 7));
    await client.close();

    const parsed = acks.map(readAck);
    parsed.forEach((ack, i) => {
      expect({ file: names[i], code: ack.code, errors: ack.errors }).toEqual({ file: names[i], code: 'AA', errors: [] });
      expect(ack.controlId).toBe(`${run}P${i}`);
    });
    expect(splitAck).toMatchObject({ code: 'AA', controlId: `${run}SPLIT` });

    // Every one of them converts (mapping + FHIR validation pass) and none is left failed.
    await waitFor('conversion of the corpus', async () => ((await api.counts()).received === 0 ? true : undefined), { timeoutMillis: 60_000 });
    const failed = await api.listMessages('failed');
    const ours = failed.filter((m) => typeof m.controlId === 'string' && m.controlId.startsWith(`${run}P`));
    expect(ours.map((m) => `${names[Number(String(m.controlId).slice(run.length + 1))]}: ${JSON.stringify(m.outcome ?? null)}`)).toEqual([]);
    await patientBy(firstComponent(split, 'PID', 3)!);
  });

  it('turns an ORU^R01 into Observations and DiagnosticReports found by ?patient=', async () => {
    const message = uniqueVariant(readHl7Fixture('LAB-ORU-1.hl7'), `${run}ORU`);
    expect(readAck(await sendOne(message)).code).toBe('AA');
    const patient = await patientBy(firstComponent(message, 'PID', 3)!);
    const ref = `Patient/${String(patient.id)}`;
    const obxCount = message.split('\r').filter((s) => s.startsWith('OBX|')).length;
    const obrCount = message.split('\r').filter((s) => s.startsWith('OBR|')).length;

    const observations = await waitFor('Observations', async () => {
      const found = await api.search('Observation', { patient: ref });
      return found.length >= obxCount ? found : undefined;
    });
    expect(observations).toHaveLength(obxCount);
    for (const o of observations) expect(isObject(o.subject) ? o.subject.reference : undefined).toBe(ref);

    const reports = await api.search('DiagnosticReport', { patient: String(patient.id) });
    expect(reports).toHaveLength(obrCount);
    const observationRefs = new Set(observations.map((o) => `Observation/${String(o.id)}`));
    const resultRefs = reports.flatMap((r) => (Array.isArray(r.result) ? r.result : [])).flatMap((x) => (isObject(x) && typeof x.reference === 'string' ? [x.reference] : []));
    expect(resultRefs.length).toBe(obxCount);
    for (const r of resultRefs) expect(observationRefs).toContain(r);
  });

  it('a resent message updates the same resources instead of duplicating them', async () => {
    const message = uniqueVariant(readHl7Fixture('ADT-A04-01.hl7'), `${run}DUP`);
    const mrn = firstComponent(message, 'PID', 3)!;
    expect(readAck(await sendOne(message)).code).toBe('AA');
    const first = await patientBy(mrn);
    expect(versionIdOf(first)).toBe('1');

    // The very same bytes again: a second message in the store, converted, same resource ids.
    // The store treats an update whose content equals the current version as a no-op (as HAPI
    // FHIR does), so the Patient keeps version 1 and gains no history entry.
    expect(readAck(await sendOne(message)).code).toBe('AA');
    const copies = await waitFor('both copies converted', async () => {
      const mine = (await api.listConverted()).filter((m) => m.controlId === `${run}DUP`);
      return mine.length === 2 ? mine : undefined;
    });
    const [secondCopy] = copies; // newest first
    const written = versionsOf((await api.get(`/messages/${String(secondCopy!.id)}`)).body);
    expect(written.filter((v) => v.type === 'Patient' && v.id === first.id)).toEqual([]);
    const same = await patientBy(mrn);
    expect(same.id).toBe(first.id);
    expect(versionIdOf(same)).toBe('1');

    // Resent with a correction (PID-8): same id, version 2, two history entries.
    const corrected = setField(message, 'PID', 8, getField(message, 'PID', 8) === 'F' ? 'M' : 'F');
    expect(readAck(await sendOne(corrected)).code).toBe('AA');
    const second = await patientBy(mrn, (p) => versionIdOf(p) === '2');
    expect(second.id).toBe(first.id);
    expect(second.gender).toBe(getField(corrected, 'PID', 8) === 'F' ? 'female' : 'male');
    const history = await api.get(`/fhir/Patient/${String(first.id)}/_history`);
    expect(history.status).toBe(200);
    expect(Array.isArray(history.body.entry) ? history.body.entry.length : 0).toBe(2);
  });

  it('ADT^A08 updates the existing Patient', async () => {
    const tag = `${run}UPD`;
    const admit = uniqueVariant(readHl7Fixture('ADT-A01-01.hl7'), tag);
    const mrn = firstComponent(admit, 'PID', 3)!;
    expect(readAck(await sendOne(admit)).code).toBe('AA');
    const before = await patientBy(mrn);

    let update = uniqueVariant(readHl7Fixture('ADT-A08-01.hl7'), tag);
    update = setField(update, 'MSH', 10, `${tag}-2`);
    update = setField(update, 'PID', 5, 'NEWFAMILY^NEWGIVEN');
    expect(readAck(await sendOne(update))).toMatchObject({ code: 'AA', controlId: `${tag}-2` });
    const after = await patientBy(mrn, (p) => versionIdOf(p) === '2');
    expect(after.id).toBe(before.id);
    expect(familyOf(after)).toBe('NEWFAMILY');
  });

  it('ADT^A40 merge marks the old Patient inactive with a replaced-by link and keeps its data', async () => {
    const template = readHl7Fixture('ADT-A40-01.hl7');
    const oldMrn = `OLD${run}`;
    const newMrn = `NEW${run}`;
    // Register the patient that will be merged away: the A40's own PID, sent as an A04 without MRG.
    let register = setField(template, 'MSH', 9, 'ADT^A04^ADT_A01');
    register = setField(register, 'MSH', 10, `${run}REG`);
    register = setField(register, 'PID', 3, `${oldMrn}^^^BCBS^MR`);
    register = register.split('\r').filter((s) => !s.startsWith('MRG|')).join('\r');
    expect(readAck(await sendOne(register)).code).toBe('AA');
    const old = await patientBy(oldMrn);
    const oldFamily = familyOf(old);
    expect(oldFamily).toBeTruthy();

    let merge = setField(template, 'MSH', 10, `${run}MRG`);
    merge = setField(merge, 'PID', 3, `${newMrn}^^^BCBS^MR`);
    merge = setField(merge, 'MRG', 1, `${oldMrn}^^^BCBS^MR`);
    expect(readAck(await sendOne(merge))).toMatchObject({ code: 'AA', controlId: `${run}MRG` });

    const survivor = await patientBy(newMrn);
    const merged = await patientBy(oldMrn, (p) => p.active === false);
    expect(merged.id).toBe(old.id);
    expect(merged.link).toEqual([{ other: { reference: `Patient/${String(survivor.id)}` }, type: 'replaced-by' }]);
    expect(familyOf(merged)).toBe(oldFamily);
    expect(Number(versionIdOf(merged))).toBe(Number(versionIdOf(old)) + 1);
    const survivorLinks = Array.isArray(survivor.link) ? survivor.link : [];
    expect(survivorLinks).toContainEqual({ other: { reference: `Patient/${String(old.id)}` }, type: 'replaces' });
  });

  it('POST /hl7v2 answers the same ACK as MLLP and the message converts', async () => {
    const message = uniqueVariant(readHl7Fixture('ADT-A01-02.hl7'), `${run}HTTP`);
    const response = await api.postHl7(message);
    expect(response.status).toBe(200);
    expect(response.contentType).toContain('hl7-v2');
    expect(readAck(response.ack)).toMatchObject({ code: 'AA', controlId: `${run}HTTP`, errors: [] });
    await patientBy(firstComponent(message, 'PID', 3)!);

    const plain = uniqueVariant(readHl7Fixture('ADT-A01-02.hl7'), `${run}TXT`);
    const asText = await api.postHl7(plain, 'text/plain');
    expect(readAck(asText.ack)).toMatchObject({ code: 'AA', controlId: `${run}TXT` });
  });

  it('writes no patient data to its logs', () => {
    // Identifiers and names this file sent: none may appear in the engine's output.
    for (const canary of [`MRN${run}A01`, `OLD${run}`, `NEW${run}`, 'EVERYMAN', 'NEWFAMILY', 'Huckleberry']) {
      expect(engine.output.includes(canary), `log contains ${canary}`).toBe(false);
    }
    expect(engine.output.length).toBeGreaterThan(0);
  });
});

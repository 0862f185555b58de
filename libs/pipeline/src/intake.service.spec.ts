import { describe, expect, it } from 'vitest';
import { IntakeService, type IntakeOptions } from './intake.service.js';
import type { IntakeRecord, JobQueuePort } from './pipeline.ports.js';

const ADT_A01 = [
  'MSH|^~\\&|SENDAPP|SENDFAC|RECAPP|RECFAC|20240101120000||ADT^A01^ADT_A01|CTRL0001|P|2.5.1',
  'EVN|A01|20240101120000',
  'PID|1||PATID1234^^^HOSP^MR||Doe^John||19800101|M',
  'PV1|1|I|WARD^101^A',
].join('\r');

class FakeMessages {
  readonly rows: IntakeRecord[] = [];
  inserts = 0;
  failNext = false;
  async insertMany(messages: readonly IntakeRecord[]): Promise<void> {
    this.inserts++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection lost');
    }
    this.rows.push(...messages);
  }
}

class FakeQueue implements JobQueuePort {
  readonly jobs: string[][] = [];
  async enqueue(ids: readonly string[]): Promise<void> {
    this.jobs.push([...ids]);
  }
}

function setup(overrides: Partial<IntakeOptions> = {}) {
  const messages = new FakeMessages();
  const queue = new FakeQueue();
  const service = new IntakeService(messages, queue, {
    batchSize: 100,
    batchMillis: 1,
    maxMessageBytes: 80 * 1024,
    mappings: { supports: (h) => ['ADT', 'ORU'].includes(h.messageCode) },
    ...overrides,
  });
  return { messages, queue, service };
}

/** The ACK as segments of fields: ack.MSA[1] is MSA-1. */
function readAck(ack: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of ack.split(/\r\n|\r|\n/).filter(Boolean)) {
    const fields = line.split('|');
    if (!out[fields[0]!]) out[fields[0]!] = fields;
  }
  return out;
}

describe('IntakeService', () => {
  it('answers AA with the original control id after storing the message as received, and queues it', async () => {
    const { messages, queue, service } = setup();
    const ack = readAck(await service.accept(Buffer.from(ADT_A01), 'mllp'));
    expect(ack.MSA?.[1]).toBe('AA');
    expect(ack.MSA?.[2]).toBe('CTRL0001');
    expect(ack.ERR).toBeUndefined();
    expect(messages.rows).toHaveLength(1);
    expect(messages.rows[0]).toMatchObject({ status: 'received', channel: 'mllp', controlId: 'CTRL0001', messageType: 'ADT^A01', sendingFacility: 'SENDFAC' });
    expect(messages.rows[0]!.outcome).toBeUndefined();
    await new Promise((r) => setTimeout(r, 5));
    expect(queue.jobs).toEqual([[messages.rows[0]!.id]]);
  });

  const bad: [string, Buffer, 'AE' | 'AR', string, string?][] = [
    ['an empty frame', Buffer.alloc(0), 'AR', 'HL7_EMPTY'],
    ['blank lines only', Buffer.from('\r\n\r\n'), 'AR', 'HL7_EMPTY'],
    ['garbage bytes', Buffer.from([0x00, 0xff, 0x13, 0x88, 0x02, 0x00, 0x41, 0xfe]), 'AR', ''],
    ['a missing MSH', Buffer.from('PID|1||PATID1234^^^HOSP^MR||Doe^John\rPV1|1|I'), 'AR', 'HL7_MISSING_MSH'],
    ['a wrong field separator', Buffer.from(ADT_A01.replace('MSH|^~\\&|', 'MSH ^~\\& ')), 'AR', 'HL7_BAD_DELIMITERS'],
    ['an unsupported message type', Buffer.from(ADT_A01.replace('ADT^A01^ADT_A01', 'SIU^S12^SIU_S12')), 'AR', 'HL7_UNSUPPORTED_MESSAGE', '200'],
    ['an unsupported version', Buffer.from(ADT_A01.replace('|P|2.5.1', '|P|2.1')), 'AR', 'HL7_UNSUPPORTED_VERSION', '203'],
    ['a message over the size limit', Buffer.from(ADT_A01 + '\rNTE|1||' + 'x'.repeat(100 * 1024)), 'AR', 'HL7_TOO_LARGE'],
  ];

  for (const [what, raw, code, errorCode, v2Code] of bad) {
    it(`answers ${code} with an ERR segment to ${what}, and keeps it as failed with its outcome`, async () => {
      const { messages, queue, service } = setup();
      const ack = readAck(await service.accept(raw, 'mllp'));
      expect(ack.MSA?.[1]).toBe(code);
      expect(ack.ERR).toBeDefined();
      if (v2Code) expect(ack.ERR?.[3]).toContain(v2Code);
      expect(messages.rows).toHaveLength(1);
      const row = messages.rows[0]!;
      expect(row.status).toBe('failed');
      // kept whole, even over the size limit, so it can be reprocessed after a limit change
      expect(row.raw.equals(raw)).toBe(true);
      expect(row.sizeBytes).toBe(raw.length);
      expect(row.outcome?.resourceType).toBe('OperationOutcome');
      expect(row.outcome?.issue[0]?.severity).toBe('error');
      if (errorCode) expect(row.outcome?.issue[0]?.details?.coding?.[0]?.code).toBe(errorCode);
      // No PHI from the message in the outcome
      expect(JSON.stringify(row.outcome)).not.toMatch(/Doe|PATID1234|19800101/);
      await new Promise((r) => setTimeout(r, 5));
      expect(queue.jobs).toEqual([]);
    });
  }

  const broken: [string, string][] = [
    ['a segment without a segment id', ADT_A01 + '\rthis is not a segment'],
    ['control bytes inside a segment', ADT_A01 + '\rNTE|1||\u0001\u0002'],
  ];
  for (const [what, text] of broken) {
    it(`answers AE naming the segment to ${what}, and keeps it as failed`, async () => {
      const { messages, service } = setup();
      const ack = readAck(await service.accept(Buffer.from(text), 'mllp'));
      expect(ack.MSA?.[1]).toBe('AE');
      expect(ack.MSA?.[2]).toBe('CTRL0001');
      expect(ack.ERR?.[3]).toMatch(/^102/); // data type error, table 0357
      expect(messages.rows[0]?.status).toBe('failed');
      expect(messages.rows[0]?.outcome?.issue[0]?.details?.coding?.[0]?.code).toBe('HL7_BAD_SEGMENT');
    });
  }

  it('keeps an oversize MLLP frame as its head and real size, answered AR', async () => {
    const { messages, service } = setup();
    const head = Buffer.from(ADT_A01);
    const ack = readAck(await service.acceptOversize(head, 50 * 1024 * 1024, 'mllp'));
    expect(ack.MSA?.[1]).toBe('AR');
    expect(ack.MSA?.[2]).toBe('CTRL0001');
    expect(messages.rows[0]).toMatchObject({ status: 'failed', sizeBytes: 50 * 1024 * 1024 });
    expect(messages.rows[0]!.outcome?.issue[0]?.code).toBe('too-long');
  });

  it('writes messages from many senders in one insert', async () => {
    const { messages, queue, service } = setup({ batchMillis: 20 });
    const raws = Array.from({ length: 10 }, (_, i) => Buffer.from(ADT_A01.replace('CTRL0001', `CTRL${i}`)));
    const acks = await Promise.all(raws.map((r, i) => service.accept(r, i % 2 ? 'mllp' : 'http')));
    expect(acks.every((a) => readAck(a).MSA?.[1] === 'AA')).toBe(true);
    expect(messages.inserts).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]).toHaveLength(10);
  });

  it('answers AR (207) and queues nothing when the store write fails', async () => {
    const { messages, queue, service } = setup();
    messages.failNext = true;
    const result = await service.intake(Buffer.from(ADT_A01), 'mllp');
    expect(result.stored).toBe(false);
    const ack = readAck(result.ackMessage);
    expect(ack.MSA?.[1]).toBe('AR');
    expect(ack.ERR?.[3]).toContain('207');
    await new Promise((r) => setTimeout(r, 5));
    expect(queue.jobs).toEqual([]);
    // the next message goes through
    expect(readAck(await service.accept(Buffer.from(ADT_A01), 'mllp')).MSA?.[1]).toBe('AA');
  });

  it('answers AA even if the queue is down: the message is durable, the sweep will queue it', async () => {
    const messages = new FakeMessages();
    const service = new IntakeService(messages, { enqueue: () => Promise.reject(new Error('redis down')) }, {
      batchSize: 10,
      batchMillis: 0,
      maxMessageBytes: 65536,
      mappings: { supports: () => true },
    });
    expect(readAck(await service.accept(Buffer.from(ADT_A01), 'mllp')).MSA?.[1]).toBe('AA');
    expect(messages.rows).toHaveLength(1);
  });

  it('accepts an MDM^T02 that carries a CDA (the v2 maps do not cover MDM) and refuses one that carries none', async () => {
    const { messages, service } = setup();
    const doc = Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2.3"/></ClinicalDocument>').toString('base64');
    const mdm = (obx: string): Buffer =>
      Buffer.from([ADT_A01.split('\r')[0]!.replace('ADT^A01^ADT_A01', 'MDM^T02^MDM_T02'), 'TXA|1|DS|TX', obx].join('\r'));
    expect(readAck(await service.accept(mdm(`OBX|1|ED|X^X||^text^xml^Base64^${doc}||||||F`), 'mllp')).MSA?.[1]).toBe('AA');
    expect(readAck(await service.accept(mdm('OBX|1|TX|X^X||plain text||||||F'), 'mllp')).MSA?.[1]).toBe('AR');
    expect(messages.rows.map((r) => [r.format, r.status, r.messageType])).toEqual([
      ['hl7v2', 'received', 'MDM^T02'],
      ['hl7v2', 'failed', 'MDM^T02'],
    ]);
  });

  it('stores a record decided elsewhere (a CDA document) in the same group commit; held ones are not queued', async () => {
    const { messages, queue, service } = setup({ batchMillis: 20 });
    const record = (id: string) => ({ id, receivedAt: new Date(), channel: 'http' as const, format: 'cda' as const, raw: Buffer.from('<x/>'), sizeBytes: 4, status: 'received' as const });
    const ids = ['018f0000-0000-7000-8000-000000000001', '018f0000-0000-7000-8000-000000000002'];
    const [queued, held, v2] = await Promise.all([
      service.submit(record(ids[0]!)),
      service.submit(record(ids[1]!), { hold: true }),
      service.accept(Buffer.from(ADT_A01), 'mllp'),
    ]);
    expect([queued, held, readAck(v2).MSA?.[1]]).toEqual([true, true, 'AA']);
    expect(messages.inserts).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]).toContain(ids[0]);
    expect(queue.jobs[0]).not.toContain(ids[1]);
    messages.failNext = true;
    expect(await service.submit(record('018f0000-0000-7000-8000-000000000003'))).toBe(false);
  });
});

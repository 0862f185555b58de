import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAck, encodeMllp, getValue, findSegments, parseHl7, readHeaderLeniently, Hl7ParseError } from '@hie/hl7v2';
import { MllpClient } from './mllp.client.js';
import { MllpError } from './mllp.error.js';
import { MllpServer } from './mllp.server.js';
import type { MllpServerOptions } from './mllp-server.options.js';

const PATIENT = 'EVERYMAN^ADAM';
const message = (controlId: string, extra = ''): string =>
  `MSH|^~\\&|SND|SF|RCV|RF|20240101||ADT^A01^ADT_A01|${controlId}|P|2.5.1\rPID|1||123^^^H^MR||${PATIENT}${extra}\r`;

/** A handler like the pipeline's: parse, answer AA, or AR with the parse error's code. */
async function ackHandler(payload: Buffer): Promise<string> {
  try {
    const m = parseHl7(payload);
    return buildAck(m, { code: 'AA', controlId: m.header.controlId });
  } catch (e) {
    const request = readHeaderLeniently(payload);
    const code = e instanceof Hl7ParseError ? e.code : 'UNKNOWN';
    return buildAck(request, { code: 'AR', controlId: request.header.controlId ?? '', text: code });
  }
}

const servers: MllpServer[] = [];
const clients: MllpClient[] = [];
const sockets: Socket[] = [];
const logs: string[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  logs.length = 0;
});

async function start(overrides: Partial<MllpServerOptions> = {}): Promise<{ server: MllpServer; port: number }> {
  const server = new MllpServer({
    host: '127.0.0.1',
    port: 0,
    maxFrameBytes: 1024 * 1024,
    onMessage: (payload) => ackHandler(payload),
    onOversize: async (head, totalBytes) => {
      const request = readHeaderLeniently(head);
      return buildAck(request, { code: 'AR', controlId: request.header.controlId ?? '', text: `too large ${totalBytes}` });
    },
    logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    ...overrides,
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

async function client(port: number, timeoutMillis = 5000): Promise<MllpClient> {
  const c = await MllpClient.connect('127.0.0.1', port, { timeoutMillis });
  clients.push(c);
  return c;
}

/** A raw socket collecting everything the server sends. */
async function raw(
  port: number,
): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void>; ended: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => Buffer.concat(chunks), closed, ended };
}

async function until(check: () => boolean, millis = 5000): Promise<void> {
  const end = Date.now() + millis;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const msa = (ack: string): string | undefined => ack.split('\r').find((l) => l.startsWith('MSA'));

describe('MllpServer', () => {
  it('binds only to the configured host and answers AA with the original control id', async () => {
    const { port } = await start();
    const c = await client(port);
    const ack = await c.send(message('C1'));
    expect(msa(ack)).toBe('MSA|AA|C1');
    expect(parseHl7(ack).header.receivingApplication).toBe('SND');
  });

  it('answers pipelined frames in arrival order even when handlers finish out of order', async () => {
    const { port } = await start({
      onMessage: async (payload) => {
        const n = Number(readHeaderLeniently(payload).header.controlId);
        await new Promise((r) => setTimeout(r, (20 - n) * 3)); // first frames finish last
        return ackHandler(payload);
      },
    });
    const c = await client(port);
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => c.send(message(String(i)))));
    expect(acks.map(msa)).toEqual(Array.from({ length: 20 }, (_, i) => `MSA|AA|${i}`));
  });

  it('decodes a frame arriving one byte per TCP write', async () => {
    const { port } = await start();
    const r = await raw(port);
    for (const byte of encodeMllp(message('SLOW'))) {
      r.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => r.received().includes(0x1c));
    expect(r.received().toString()).toContain('MSA|AA|SLOW');
  });

  it('survives garbage, empty frames and broken messages, answering each frame', async () => {
    const { server, port } = await start();
    const c = await client(port);
    c.sendRaw(Buffer.from([0x00, 0xff, 0x41, 0x0d, 0x0a, 0x1c]));
    expect(msa(await c.send(''))).toBe('MSA|AR||HL7_EMPTY');
    expect(msa(await c.send(Buffer.from([0, 1, 2, 3])))).toBe('MSA|AR||HL7_NOT_TEXT');
    expect(msa(await c.send('PID|1||x'))).toBe('MSA|AR||HL7_MISSING_MSH');
    expect(msa(await c.send('MSH^~\\&^A^B'))).toBe('MSA|AR||HL7_BAD_DELIMITERS');
    expect(msa(await c.send(message('OK')))).toBe('MSA|AA|OK');
    expect(server.connectionCount).toBe(1);
    expect(logs.some((l) => l.includes('6 bytes outside frames'))).toBe(true);
  });

  it('answers a rejecting or throwing handler with AR 207, and keeps going', async () => {
    let calls = 0;
    const { port } = await start({
      onMessage: (payload) => {
        calls++;
        if (calls === 1) return Promise.reject(new Error(`cannot store ${payload.toString()}`));
        if (calls === 2) throw new TypeError('sync failure');
        return ackHandler(payload);
      },
    });
    const c = await client(port);
    for (const id of ['R1', 'R2']) {
      const ack = parseHl7(await c.send(message(id)));
      expect(getValue(findSegments(ack, 'MSA')[0], 1)).toBe('AR');
      expect(getValue(findSegments(ack, 'MSA')[0], 2)).toBe(id);
      expect(getValue(findSegments(ack, 'ERR')[0], 3)).toBe('207');
      expect(ack.header.receivingApplication).toBe('SND');
    }
    expect(msa(await c.send(message('R3')))).toBe('MSA|AA|R3');
    expect(logs.join('\n')).not.toContain(PATIENT); // the rejection's message quoted the payload
    expect(logs.some((l) => l.includes('handler failed (Error)'))).toBe(true);
  });

  it('hands an oversize frame to onOversize with its head and size, without buffering it', async () => {
    let seen: { head: number; total: number } | undefined;
    const { port } = await start({
      maxFrameBytes: 100_000,
      onOversize: async (head, totalBytes) => {
        seen = { head: head.length, total: totalBytes };
        return buildAck(readHeaderLeniently(head), { code: 'AR', controlId: 'BIG', text: 'too large' });
      },
    });
    const c = await client(port);
    const big = message('BIG', 'X'.repeat(5 * 1024 * 1024));
    expect(msa(await c.send(big))).toBe('MSA|AR|BIG|too large');
    expect(seen).toEqual({ head: 64 * 1024, total: Buffer.byteLength(big) });
    expect(msa(await c.send(message('AFTER')))).toBe('MSA|AA|AFTER');
  });

  it('survives a connection reset mid-frame', async () => {
    const { server, port } = await start();
    const r = await raw(port);
    await until(() => server.connectionCount === 1);
    r.socket.write(encodeMllp(message('HALF')).subarray(0, 40));
    r.socket.resetAndDestroy();
    await until(() => server.connectionCount === 0);
    const c = await client(port);
    expect(msa(await c.send(message('NEXT')))).toBe('MSA|AA|NEXT');
  });

  it('still answers a client that half-closes after sending', async () => {
    const { port } = await start();
    const r = await raw(port);
    r.socket.end(Buffer.concat([encodeMllp(message('H1')), encodeMllp(message('H2'))]));
    await r.closed;
    const text = r.received().toString();
    expect(text.indexOf('MSA|AA|H1')).toBeGreaterThan(-1);
    expect(text.indexOf('MSA|AA|H2')).toBeGreaterThan(text.indexOf('MSA|AA|H1'));
  });

  it('stops reading while too many frames await their ACK (backpressure)', async () => {
    let active = 0;
    let maxActive = 0;
    const { port } = await start({
      maxPipelinedFrames: 4,
      onMessage: async (payload) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return ackHandler(payload);
      },
    });
    const c = await client(port, 20_000);
    const padding = 'Y'.repeat(30_000); // a few frames per TCP chunk at most
    const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => c.send(message(`B${i}`, padding))));
    expect(acks.map(msa)).toEqual(Array.from({ length: 100 }, (_, i) => `MSA|AA|B${i}`));
    expect(maxActive).toBeLessThan(20);
  });

  it('keeps answering a reader that is slow to take its ACKs', async () => {
    const bigAck = 'MSH|^~\\&|A\rMSA|AA|X|' + 'Z'.repeat(1024 * 1024) + '\r';
    const { port } = await start({ onMessage: async () => bigAck });
    const r = await raw(port);
    r.socket.pause();
    r.socket.write(Buffer.concat(Array.from({ length: 20 }, (_, i) => encodeMllp(message(`S${i}`)))));
    await new Promise((res) => setTimeout(res, 200));
    r.socket.resume();
    await until(() => r.received().length >= 20 * (bigAck.length + 3), 20_000);
    expect(r.received().length).toBe(20 * (bigAck.length + 3));
  });

  it('close() waits for in-flight handlers and delivers their ACKs', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { server, port } = await start({
      onMessage: async (payload) => {
        await gate;
        return ackHandler(payload);
      },
    });
    const c = await client(port);
    const pending = c.send(message('LATE'));
    await until(() => server.connectionCount === 1);
    await new Promise((r) => setTimeout(r, 20));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    release();
    expect(msa(await pending)).toBe('MSA|AA|LATE');
    await closing;
    expect(server.connectionCount).toBe(0);
    await expect(MllpClient.connect('127.0.0.1', port, { timeoutMillis: 1000 })).rejects.toBeInstanceOf(MllpError);
  });

  it('refuses connections beyond maxConnections', async () => {
    const { server, port } = await start({ maxConnections: 1 });
    const first = await client(port);
    await until(() => server.connectionCount === 1);
    const second = await raw(port);
    await second.ended; // the server ends a connection over the limit at once
    expect(server.connectionCount).toBe(1);
    expect(msa(await first.send(message('ONE')))).toBe('MSA|AA|ONE');
  });

  it('closes idle connections', async () => {
    const { server, port } = await start({ idleTimeoutMillis: 100 });
    const r = await raw(port);
    await until(() => server.connectionCount === 1);
    await r.ended;
    await until(() => server.connectionCount === 0);
    expect(logs.some((l) => l.includes('idle, closing after 0 frames'))).toBe(true);
  });

  it('logs sizes and counts, never message content', async () => {
    const { port } = await start({ maxFrameBytes: 1000 });
    const c = await client(port);
    await c.send(message('L1'));
    await c.send(message('L2', 'Q'.repeat(2000)));
    c.sendRaw(Buffer.from(PATIENT));
    await c.send(message('L3'));
    const all = logs.join('\n');
    expect(all).toMatch(/over the limit/);
    expect(all).not.toContain('EVERYMAN');
    expect(all).not.toContain('L1');
  });
});

describe('MllpClient', () => {
  it('fails pending sends with MLLP_TIMEOUT when no ACK comes', async () => {
    const { port } = await start({ onMessage: () => new Promise((r) => setTimeout(() => r('late'), 1000)) });
    const c = await client(port, 200);
    const error = await c.send(message('T1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllpError);
    expect((error as MllpError).code).toBe('MLLP_TIMEOUT');
    await expect(c.send(message('T2'))).rejects.toMatchObject({ code: 'MLLP_CLOSED' });
  });

  it('close() gives up on a handler that never settles after closeTimeoutMillis', async () => {
    const { server, port } = await start({ closeTimeoutMillis: 200, onMessage: () => new Promise(() => {}) });
    const c = await client(port);
    const pending = c.send(message('NEVER')).catch((e: unknown) => e);
    await until(() => server.connectionCount === 1);
    await new Promise((r) => setTimeout(r, 20));
    await server.close();
    expect(await pending).toMatchObject({ code: 'MLLP_CLOSED' });
    expect(logs.some((l) => l.includes('close timed out: 1 handlers'))).toBe(true);
  });

  it('fails to connect with MLLP_CONNECT_FAILED', async () => {
    const { server, port } = await start();
    await server.close();
    await expect(MllpClient.connect('127.0.0.1', port, { timeoutMillis: 1000 })).rejects.toMatchObject({
      code: 'MLLP_CONNECT_FAILED',
    });
  });
});

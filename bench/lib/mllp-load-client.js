// @ts-check
/** A lean MLLP load client: frames messages, matches ACKs in order, measures each ACK's latency. */
import { connect } from 'node:net';

const START = 0x0b;
const END = 0x1c;
const CR = 0x0d;

export class MllpLoadConnection {
  /** @param {import('node:net').Socket} socket */
  constructor(socket) {
    this.socket = socket;
    /** @type {{ started: number, resolve: (r: { ack: string, latencyMillis: number }) => void, reject: (e: Error) => void }[]} */
    this.pending = [];
    /** @type {Buffer} */
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (/** @type {Error} */ error) => {
      for (const p of this.pending.splice(0)) p.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /**
   * @param {string} host
   * @param {number} port
   */
  static async open(host, port) {
    const socket = await new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    return new MllpLoadConnection(socket);
  }

  /**
   * @param {string} message
   * @returns {Promise<{ ack: string, latencyMillis: number }>}
   */
  send(message) {
    return new Promise((resolve, reject) => {
      const body = Buffer.from(message, 'utf8');
      const frame = Buffer.allocUnsafe(body.length + 3);
      frame[0] = START;
      body.copy(frame, 1);
      frame[body.length + 1] = END;
      frame[body.length + 2] = CR;
      this.pending.push({ started: performance.now(), resolve, reject });
      this.socket.write(frame);
    });
  }

  /** @param {Buffer} chunk */
  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const start = this.buffer.indexOf(START);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return;
      }
      const end = this.buffer.indexOf(END, start + 1);
      if (end < 0 || end + 1 >= this.buffer.length) return;
      const ack = this.buffer.toString('utf8', start + 1, end);
      this.buffer = this.buffer.subarray(this.buffer[end + 1] === CR ? end + 2 : end + 1);
      const p = this.pending.shift();
      if (p) p.resolve({ ack, latencyMillis: performance.now() - p.started });
    }
  }

  close() {
    return new Promise((resolve) => {
      this.socket.once('close', resolve);
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    });
  }
}

/**
 * MSA-1 of an ACK.
 * @param {string} ack
 */
export function ackCode(ack) {
  const msa = ack.split(/\r\n|\n|\r/).find((s) => s.startsWith('MSA'));
  return msa?.split('|')[1] ?? '';
}

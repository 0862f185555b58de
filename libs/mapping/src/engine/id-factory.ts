/**
 * `deterministicId` from @hie/common, made cheap enough to call dozens of times per message.
 * node:crypto's createHmac costs ~10 µs a call here (object set-up dominates for 30-byte inputs);
 * this keeps the HMAC-SHA256 key pads' midstates and hashes the few remaining blocks in plain
 * JS (~1 µs), in int32 arithmetic (`| 0`, Int32Array: values above 2^31 would be doubles).
 * The output is byte-identical to deterministicId (checked in id-factory.spec.ts).
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);

/** One SHA-256 compression of a 64-byte block at `off` into `h`. */
function compress(h: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = ((b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!) | 0;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + bb) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** SHA-256 of `msg`, continuing from `state` after `prefixLen` bytes already absorbed (a multiple of 64). */
function finish(state: Int32Array, prefixLen: number, msg: Uint8Array): Int32Array {
  const h = new Int32Array(state);
  const total = prefixLen + msg.length;
  const padded = new Uint8Array(Math.ceil((msg.length + 9) / 64) * 64);
  padded.set(msg);
  padded[msg.length] = 0x80;
  const bits = total * 8;
  const end = padded.length;
  padded[end - 4] = (bits >>> 24) & 0xff;
  padded[end - 3] = (bits >>> 16) & 0xff;
  padded[end - 2] = (bits >>> 8) & 0xff;
  padded[end - 1] = bits & 0xff;
  padded[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  for (let off = 0; off < end; off += 64) compress(h, padded, off);
  return h;
}

function toBytes(words: Int32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    out[i * 4] = words[i]! >>> 24;
    out[i * 4 + 1] = (words[i]! >>> 16) & 0xff;
    out[i * 4 + 2] = (words[i]! >>> 8) & 0xff;
    out[i * 4 + 3] = words[i]! & 0xff;
  }
  return out;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

/** The byte that separates parts in the hashed input (as deterministicId joins them). */
export const ID_PART_SEPARATOR = '\u001f';

/** A deterministicId(secret, parts) function with the key's pads precomputed. */
export function createIdFactory(secret: string): (parts: readonly string[]) => string {
  const ofKey = createKeyedIdFactory(secret);
  return (parts) => ofKey(parts.join(ID_PART_SEPARATOR));
}

/**
 * The same, over the parts already joined by ID_PART_SEPARATOR (callers build that key once and
 * use it for their memo too). Buffers are reused across calls: nothing is allocated but the result.
 */
export function createKeyedIdFactory(secret: string): (joined: string) => string {
  let key: Uint8Array = encoder.encode(secret);
  if (key.length > 64) key = toBytes(finish(new Int32Array(IV), 0, key));
  const pad = (x: number): Int32Array => {
    const block = new Uint8Array(64);
    for (let i = 0; i < 64; i++) block[i] = (key[i] ?? 0) ^ x;
    const h = new Int32Array(IV);
    compress(h, block, 0);
    return h;
  };
  const inner = pad(0x36);
  const outer = pad(0x5c);
  const h = new Int32Array(8);
  // The outer hash always absorbs one block: the 32-byte inner digest plus padding (64 + 32 bytes).
  const outerBlock = new Uint8Array(64);
  outerBlock[32] = 0x80;
  outerBlock[62] = ((64 + 32) * 8) >>> 8;
  outerBlock[63] = ((64 + 32) * 8) & 0xff;
  let buf = new Uint8Array(256);
  return (joined) => {
    // UTF-8 bytes of the input, then SHA-256 padding, in a reused buffer.
    const max = joined.length * 3 + 72;
    if (buf.length < max) buf = new Uint8Array(Math.max(max, buf.length * 2));
    const n = encoder.encodeInto(joined, buf).written;
    const blocks = Math.ceil((n + 9) / 64);
    const end = blocks * 64;
    buf.fill(0, n, end);
    buf[n] = 0x80;
    const bits = (64 + n) * 8;
    buf[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
    buf[end - 4] = (bits >>> 24) & 0xff;
    buf[end - 3] = (bits >>> 16) & 0xff;
    buf[end - 2] = (bits >>> 8) & 0xff;
    buf[end - 1] = bits & 0xff;
    h.set(inner);
    for (let off = 0; off < end; off += 64) compress(h, buf, off);
    for (let i = 0; i < 8; i++) {
      const w = h[i]!;
      outerBlock[i * 4] = w >>> 24;
      outerBlock[i * 4 + 1] = (w >>> 16) & 0xff;
      outerBlock[i * 4 + 2] = (w >>> 8) & 0xff;
      outerBlock[i * 4 + 3] = w & 0xff;
    }
    h.set(outer);
    compress(h, outerBlock, 0);
    let s = '';
    for (let i = 0; i < 4; i++) {
      let w = h[i]!;
      // version 8 and the RFC 9562 variant, as deterministicId sets them (bytes 6 and 8).
      if (i === 1) w = (w & 0xffff0fff) | 0x00008000;
      else if (i === 2) w = (w & 0x3fffffff) | 0x80000000;
      s += HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff]!;
      if (i === 1 || i === 2) s += '-';
      s += HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;
      if (i < 2) s += '-';
    }
    return s;
  };
}

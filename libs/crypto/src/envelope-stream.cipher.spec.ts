import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError } from './crypto.errors.js';
import { generateDataKey, sealEnvelope } from './envelope.cipher.js';
import {
  ENVELOPE_STREAM_HEADER_BYTES as HEADER,
  envelopeStreamKeyId,
  openEnvelopeStream,
  sealEnvelopeStream,
} from './envelope-stream.cipher.js';

const TAG = 16;
const aad = Buffer.from('DicomInstance/abc/_history/1');

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncIterable<Uint8Array> {
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, sizes.length ? sizes[i++ % sizes.length]! : bytes.length);
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

async function seal(plaintext: Uint8Array, opts: { key: Buffer; keyId?: string; segmentSize?: number; aad?: Uint8Array; chunks?: number[] }) {
  return collect(
    sealEnvelopeStream(
      { keyId: opts.keyId ?? randomUUID(), key: opts.key, aad: opts.aad ?? aad, segmentSize: opts.segmentSize },
      chunked(plaintext, opts.chunks ?? []),
    ),
  );
}

async function open(envelope: Uint8Array, key: Buffer, extra: Uint8Array = aad, chunks: number[] = []): Promise<Buffer> {
  return collect(openEnvelopeStream(key, extra, chunked(envelope, chunks)));
}

async function expectEnvelopeError(promise: Promise<unknown>): Promise<void> {
  const caught = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(caught).toBeInstanceOf(EnvelopeError);
  expect((caught as EnvelopeError).code).toBe('ENVELOPE_INVALID');
}

describe('streamed envelope cipher (format 2)', () => {
  it('lays out 0x02 | keyId | baseNonce | segmentSize, then segments each followed by a tag', async () => {
    const key = generateDataKey();
    const keyId = '0190f3a2-7b1c-7def-8abc-0123456789ab';
    const plaintext = randomBytes(250);
    const env = await seal(plaintext, { key, keyId, segmentSize: 100 });
    expect(env[0]).toBe(0x02);
    expect(env.subarray(1, 17).toString('hex')).toBe(keyId.replaceAll('-', ''));
    expect(env.readUInt32BE(29)).toBe(100);
    expect(env.length).toBe(HEADER + 250 + 3 * TAG);
    expect(env.includes(plaintext.subarray(0, 32))).toBe(false);
    expect(envelopeStreamKeyId(env)).toBe(keyId);
    expect(envelopeStreamKeyId(env.subarray(0, 17))).toBe(keyId);
    // An exact multiple of the segment size ends with a full last segment, no empty trailer.
    expect((await seal(randomBytes(200), { key, segmentSize: 100 })).length).toBe(HEADER + 200 + 2 * TAG);
  });

  it('seals an empty stream as one empty segment, and opens it', async () => {
    const key = generateDataKey();
    const env = await seal(new Uint8Array(0), { key });
    expect(env.length).toBe(HEADER + TAG);
    expect((await open(env, key)).length).toBe(0);
  });

  it('round-trips any plaintext across any chunking of input and envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 700 }),
        fc.integer({ min: 1, max: 130 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 40 }),
        async (plaintext, segmentSize, sealChunks, openChunks, extra) => {
          const key = generateDataKey();
          const env = await seal(plaintext, { key, segmentSize, chunks: sealChunks, aad: extra });
          const segments = Math.max(1, Math.ceil(plaintext.length / segmentSize));
          expect(env.length).toBe(HEADER + plaintext.length + segments * TAG);
          expect((await open(env, key, extra, openChunks)).equals(Buffer.from(plaintext))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips with the default 1 MiB segments: one-byte chunks, chunks larger than a segment, exact multiples', async () => {
    const key = generateDataKey();
    const big = randomBytes(3 * 1024 * 1024 + 17);
    for (const chunks of [[5 * 1024 * 1024], [1024 * 1024], [1024 * 1024 + 1, 7], [65536]]) {
      const env = await seal(big, { key, chunks });
      expect(env.length).toBe(HEADER + big.length + 4 * TAG);
      expect((await open(env, key, aad, [3 * 1024 * 1024])).equals(big)).toBe(true);
      expect((await open(env, key, aad, [4096])).equals(big)).toBe(true);
    }
    const exact = randomBytes(2 * 1024 * 1024);
    const env = await seal(exact, { key, chunks: [2 * 1024 * 1024] });
    expect(env.length).toBe(HEADER + exact.length + 2 * TAG);
    expect((await open(env, key)).equals(exact)).toBe(true);
    const small = randomBytes(3000);
    expect((await open(await seal(small, { key, chunks: [1] }), key, aad, [1])).equals(small)).toBe(true);
  });

  it('fails after flipping any single bit of the header, a segment body or a tag', async () => {
    const key = generateDataKey();
    const env = await seal(Buffer.from('segment one|segment two|three'), { key, segmentSize: 12 });
    for (let bit = 0; bit < env.length * 8; bit++) {
      const tampered = Buffer.from(env);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      await expectEnvelopeError(open(tampered, key));
    }
  });

  it('releases only verified segments: a tampered later segment fails after the earlier ones', async () => {
    const key = generateDataKey();
    const env = await seal(Buffer.from('A'.repeat(30)), { key, segmentSize: 10 });
    env[HEADER + 2 * (10 + TAG) + 3]! ^= 1; // third (last) segment body
    const released: Buffer[] = [];
    const caught = await (async () => {
      for await (const part of openEnvelopeStream(key, aad, chunked(env, [])))
        released.push(part);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(EnvelopeError);
    expect(Buffer.concat(released).toString()).toBe('A'.repeat(20));
  });

  it('detects truncation at every segment boundary and inside a segment, and appended data', async () => {
    const key = generateDataKey();
    const env = await seal(randomBytes(45), { key, segmentSize: 10 });
    for (let cut = 0; cut < env.length; cut++) await expectEnvelopeError(open(env.subarray(0, cut), key));
    await expectEnvelopeError(open(Buffer.concat([env, Buffer.from([0])]), key));
    await expectEnvelopeError(open(Buffer.concat([env, env.subarray(HEADER)]), key));
    // Full segments only (exact multiple): dropping the last full segment must fail too.
    const exact = await seal(randomBytes(40), { key, segmentSize: 10 });
    for (let n = 0; n < 4; n++) await expectEnvelopeError(open(exact.subarray(0, HEADER + n * (10 + TAG)), key));
  });

  it('detects reordered segments and segments swapped in from another object under the same key', async () => {
    const key = generateDataKey();
    const keyId = randomUUID();
    const seg = 10 + TAG;
    const a = await seal(randomBytes(30), { key, keyId, segmentSize: 10 });
    const b = await seal(randomBytes(30), { key, keyId, segmentSize: 10 });
    const body = (env: Buffer, i: number) => env.subarray(HEADER + i * seg, HEADER + (i + 1) * seg);
    const reordered = Buffer.concat([a.subarray(0, HEADER), body(a, 1), body(a, 0), body(a, 2)]);
    await expectEnvelopeError(open(reordered, key));
    const swapped = Buffer.concat([a.subarray(0, HEADER), body(a, 0), body(b, 1), body(a, 2)]);
    await expectEnvelopeError(open(swapped, key));
    const dropped = Buffer.concat([a.subarray(0, HEADER), body(a, 0), body(a, 2)]);
    await expectEnvelopeError(open(dropped, key));
  });

  it('fails with another aad, another key, a bad key length, a format-1 envelope or a forged segment size', async () => {
    const key = generateDataKey();
    const env = await seal(randomBytes(100), { key, segmentSize: 32 });
    await expectEnvelopeError(open(env, key, Buffer.from('DicomInstance/abc/_history/2')));
    await expectEnvelopeError(open(env, key, Buffer.alloc(0)));
    await expectEnvelopeError(open(env, generateDataKey()));
    await expectEnvelopeError(open(env, key.subarray(0, 16)));
    const v1 = sealEnvelope({ keyId: randomUUID(), key, plaintext: randomBytes(100), aad });
    await expectEnvelopeError(open(v1, key));
    for (const size of [0, 33, 0xffffffff]) {
      const forged = Buffer.from(env);
      forged.writeUInt32BE(size, 29);
      await expectEnvelopeError(open(forged, key));
    }
    expect(() => envelopeStreamKeyId(v1)).toThrow(EnvelopeError);
    expect(() => envelopeStreamKeyId(env.subarray(0, 16))).toThrow(EnvelopeError);
  });

  it('uses a fresh base nonce per object, so equal plaintexts give different envelopes', async () => {
    const key = generateDataKey();
    const keyId = randomUUID();
    const plaintext = randomBytes(64);
    const a = await seal(plaintext, { key, keyId });
    const b = await seal(plaintext, { key, keyId });
    expect(a.subarray(17, 29).equals(b.subarray(17, 29))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses to seal with a bad key, key id or segment size', async () => {
    const bad = [
      { keyId: randomUUID(), key: Buffer.alloc(16), aad },
      { keyId: 'not-a-uuid', key: generateDataKey(), aad },
      { keyId: randomUUID(), key: generateDataKey(), aad, segmentSize: 0 },
      { keyId: randomUUID(), key: generateDataKey(), aad, segmentSize: 1.5 },
      { keyId: randomUUID(), key: generateDataKey(), aad, segmentSize: 64 * 1024 * 1024 },
    ];
    for (const input of bad) {
      await expect(collect(sealEnvelopeStream(input, chunked(Buffer.from('x'), [])))).rejects.toMatchObject({
        code: 'KEY_MATERIAL_INVALID',
      });
    }
  });
});

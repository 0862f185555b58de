import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeError } from './crypto.errors.js';
import { envelopeKeyId, generateDataKey, openEnvelope, sealEnvelope } from './envelope.cipher.js';

const HEADER = 1 + 16 + 12;
const OVERHEAD = HEADER + 16;
const aad = Buffer.from('Patient/abc/_history/3');

function expectEnvelopeError(fn: () => unknown): EnvelopeError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EnvelopeError);
  expect((caught as EnvelopeError).code).toBe('ENVELOPE_INVALID');
  return caught as EnvelopeError;
}

describe('envelope cipher', () => {
  it('generates distinct 32-byte data keys', () => {
    const a = generateDataKey();
    expect(a.length).toBe(32);
    expect(a.equals(generateDataKey())).toBe(false);
  });

  it('lays out 0x01 | keyId | nonce | tag | ciphertext', () => {
    const keyId = '0190f3a2-7b1c-7def-8abc-0123456789ab';
    const plaintext = Buffer.from('{"resourceType":"Patient"}');
    const env = sealEnvelope({ keyId, key: generateDataKey(), plaintext, aad });
    expect(env[0]).toBe(0x01);
    expect(env.subarray(1, 17).toString('hex')).toBe(keyId.replaceAll('-', ''));
    expect(env.length).toBe(OVERHEAD + plaintext.length);
    expect(env.includes(plaintext)).toBe(false);
    expect(envelopeKeyId(env)).toBe(keyId);
  });

  it('uses a fresh nonce per seal, so equal plaintexts give different envelopes', () => {
    const input = { keyId: randomUUID(), key: generateDataKey(), plaintext: Buffer.from('same'), aad };
    const a = sealEnvelope(input);
    const b = sealEnvelope(input);
    expect(a.subarray(17, HEADER).equals(b.subarray(17, HEADER))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('opens what it seals, for arbitrary bytes and aad (also views into larger buffers)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.uint8Array({ maxLength: 128 }), fc.nat(7), (plaintext, extra, pad) => {
        const key = generateDataKey();
        const keyId = randomUUID();
        const env = sealEnvelope({ keyId, key, plaintext, aad: extra });
        expect(openEnvelope(env, key, extra).equals(Buffer.from(plaintext))).toBe(true);
        expect(envelopeKeyId(env)).toBe(keyId);
        // A DB driver may hand back a view at an offset into a pooled buffer.
        const pooled = new Uint8Array(pad + env.length + 3);
        pooled.set(env, pad);
        const view = pooled.subarray(pad, pad + env.length);
        expect(openEnvelope(view, key, extra).equals(Buffer.from(plaintext))).toBe(true);
        expect(envelopeKeyId(view)).toBe(keyId);
      }),
      { numRuns: 200 },
    );
  });

  it('fails to open after flipping ANY single bit (format, keyId, nonce, tag, ciphertext)', () => {
    const key = generateDataKey();
    const env = sealEnvelope({ keyId: randomUUID(), key, plaintext: Buffer.from('hello, world'), aad });
    for (let bit = 0; bit < env.length * 8; bit++) {
      const tampered = Buffer.from(env);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      expectEnvelopeError(() => openEnvelope(tampered, key, aad));
    }
  });

  it('fails after a random single-bit flip, for random plaintexts and aads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ maxLength: 64 }), fc.nat(), (plaintext, extra, pick) => {
        const key = generateDataKey();
        const env = sealEnvelope({ keyId: randomUUID(), key, plaintext, aad: extra });
        const bit = pick % (env.length * 8);
        env[bit >> 3]! ^= 1 << (bit & 7);
        expectEnvelopeError(() => openEnvelope(env, key, extra));
      }),
      { numRuns: 300 },
    );
  });

  it('fails with another aad (a ciphertext moved to another record), another key, or any changed aad bit', () => {
    const key = generateDataKey();
    const env = sealEnvelope({ keyId: randomUUID(), key, plaintext: Buffer.from('x'), aad });
    expectEnvelopeError(() => openEnvelope(env, key, Buffer.from('Patient/abc/_history/4')));
    expectEnvelopeError(() => openEnvelope(env, key, Buffer.alloc(0)));
    expectEnvelopeError(() => openEnvelope(env, generateDataKey(), aad));
    for (let bit = 0; bit < aad.length * 8; bit++) {
      const other = Buffer.from(aad);
      other[bit >> 3]! ^= 1 << (bit & 7);
      expectEnvelopeError(() => openEnvelope(env, key, other));
    }
  });

  it('fails on short input, a wrong format byte, a truncated or extended envelope, or a bad key length', () => {
    const key = generateDataKey();
    const env = sealEnvelope({ keyId: randomUUID(), key, plaintext: Buffer.from('payload'), aad });
    for (let len = 0; len < OVERHEAD; len++) expectEnvelopeError(() => openEnvelope(env.subarray(0, len), key, aad));
    expectEnvelopeError(() => openEnvelope(env.subarray(0, env.length - 1), key, aad));
    expectEnvelopeError(() => openEnvelope(Buffer.concat([env, Buffer.from([0])]), key, aad));
    expectEnvelopeError(() => openEnvelope(Buffer.concat([Buffer.from([0x02]), env.subarray(1)]), key, aad));
    expectEnvelopeError(() => openEnvelope(env, key.subarray(0, 16), aad));
    expectEnvelopeError(() => envelopeKeyId(env.subarray(0, OVERHEAD - 1)));
    expectEnvelopeError(() => envelopeKeyId(Buffer.concat([Buffer.from([0x00]), env.subarray(1)])));
  });

  it('opens an empty plaintext, and rejects its tampering too', () => {
    const key = generateDataKey();
    const env = sealEnvelope({ keyId: randomUUID(), key, plaintext: new Uint8Array(0), aad });
    expect(env.length).toBe(OVERHEAD);
    expect(openEnvelope(env, key, aad).length).toBe(0);
    env[env.length - 1]! ^= 0x80;
    expectEnvelopeError(() => openEnvelope(env, key, aad));
  });

  it('carries no data in its error message', () => {
    const key = generateDataKey();
    const env = sealEnvelope({ keyId: randomUUID(), key, plaintext: Buffer.from('Jane Doe 1970-01-01'), aad });
    const e = expectEnvelopeError(() => openEnvelope(env, generateDataKey(), aad));
    const text = `${e.message} ${JSON.stringify(e.details)}`;
    expect(text).not.toMatch(/Jane|Patient|abc/);
    expect(text).not.toContain(key.toString('hex').slice(0, 8));
    expect(text).not.toContain(key.toString('base64').slice(0, 8));
  });

  it('refuses to seal with a key that is not 32 bytes or a key id that is not a UUID', () => {
    const plaintext = Buffer.from('x');
    expect(() => sealEnvelope({ keyId: randomUUID(), key: Buffer.alloc(16), plaintext, aad })).toThrow(
      expect.objectContaining({ code: 'KEY_MATERIAL_INVALID' }),
    );
    expect(() => sealEnvelope({ keyId: 'not-a-uuid', key: generateDataKey(), plaintext, aad })).toThrow(
      expect.objectContaining({ code: 'KEY_MATERIAL_INVALID' }),
    );
  });
});

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { KeyUnavailableError } from './crypto.errors.js';
import { generateDataKey } from './envelope.cipher.js';
import type { KeyProvider, WrappedKey } from './key-provider.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Registers the KeyProvider contract tests; every driver's spec runs them against a fresh provider. */
export function keyProviderContract(fresh: () => Promise<KeyProvider>): void {
  it('wraps and unwraps a data key (round trip, for arbitrary contexts)', async () => {
    const provider = await fresh();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string(), async (bytes, context) => {
        const dataKey = Buffer.from(bytes);
        const w = await provider.wrapKey(dataKey, context);
        expect(w.kekId).toBe(provider.currentKekId());
        expect(w.wrapped.length).toBe(12 + 16 + 32);
        expect(w.wrapped.includes(dataKey)).toBe(false);
        expect((await provider.unwrapKey(w, context)).equals(dataKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('wraps with a fresh nonce each time', async () => {
    const provider = await fresh();
    const dataKey = generateDataKey();
    const a = await provider.wrapKey(dataKey, 'k');
    const b = await provider.wrapKey(dataKey, 'k');
    expect(a.wrapped.equals(b.wrapped)).toBe(false);
  });

  it('fails to unwrap after flipping any single bit of the wrapped key', async () => {
    const provider = await fresh();
    const context = randomUUID();
    const w = await provider.wrapKey(generateDataKey(), context);
    for (let bit = 0; bit < w.wrapped.length * 8; bit++) {
      const wrapped = Buffer.from(w.wrapped);
      wrapped[bit >> 3]! ^= 1 << (bit & 7);
      const e = await rejection(provider.unwrapKey({ kekId: w.kekId, wrapped }, context));
      expect(e).toBeInstanceOf(KeyUnavailableError);
      expect((e as KeyUnavailableError).code).toBe('KEY_UNAVAILABLE');
    }
  });

  it('fails to unwrap under another context, a truncated wrap, or a KEK id it does not know', async () => {
    const provider = await fresh();
    const w = await provider.wrapKey(generateDataKey(), 'data-key-1');
    expect(await rejection(provider.unwrapKey(w, 'data-key-2'))).toBeInstanceOf(KeyUnavailableError);
    expect(await rejection(provider.unwrapKey({ kekId: w.kekId, wrapped: w.wrapped.subarray(0, 59) }, 'data-key-1'))).toBeInstanceOf(
      KeyUnavailableError,
    );
    const unknown = await rejection(provider.unwrapKey({ kekId: randomUUID(), wrapped: w.wrapped }, 'data-key-1'));
    expect(unknown).toBeInstanceOf(KeyUnavailableError);
    expect((unknown as KeyUnavailableError).details).toMatchObject({ reason: 'unknown-kek' });
  });

  it('refuses to unwrap a wrap relabelled with another KEK id (the id is bound as AAD)', async () => {
    const provider = await fresh();
    const w = await provider.wrapKey(generateDataKey(), 'ctx');
    const oldId = w.kekId;
    await provider.rotate();
    // Same bytes presented as wrapped under the new KEK: the AAD names the KEK, so it fails.
    const e = await rejection(provider.unwrapKey({ kekId: provider.currentKekId(), wrapped: w.wrapped }, 'ctx'));
    expect(e).toBeInstanceOf(KeyUnavailableError);
    expect((await provider.unwrapKey({ kekId: oldId, wrapped: w.wrapped }, 'ctx')).length).toBe(32);
  });

  it('rotates: new wraps use the new KEK, old wraps stay openable', async () => {
    const provider = await fresh();
    const oldKek = provider.currentKekId();
    const keys = [generateDataKey(), generateDataKey()];
    const before: WrappedKey = await provider.wrapKey(keys[0]!, 'a');
    const newKek = await provider.rotate();
    expect(newKek).not.toBe(oldKek);
    expect(provider.currentKekId()).toBe(newKek);
    const after = await provider.wrapKey(keys[1]!, 'b');
    expect(before.kekId).toBe(oldKek);
    expect(after.kekId).toBe(newKek);
    expect((await provider.unwrapKey(before, 'a')).equals(keys[0]!)).toBe(true);
    expect((await provider.unwrapKey(after, 'b')).equals(keys[1]!)).toBe(true);
    const third = await provider.rotate();
    expect(new Set([oldKek, newKek, third]).size).toBe(3);
    expect((await provider.unwrapKey(before, 'a')).equals(keys[0]!)).toBe(true);
  });

  it('refuses to wrap something that is not a 32-byte key', async () => {
    const provider = await fresh();
    await expect(provider.wrapKey(Buffer.alloc(16), 'x')).rejects.toMatchObject({ code: 'KEY_MATERIAL_INVALID' });
  });
}

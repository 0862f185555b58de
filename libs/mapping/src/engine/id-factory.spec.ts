import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deterministicId } from '@hie/common';
import { createIdFactory } from './id-factory.js';

describe('createIdFactory', () => {
  it('gives exactly deterministicId for any secret and parts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 6 }), (secret, parts) => {
        expect(createIdFactory(secret)(parts)).toBe(deterministicId(secret, parts));
      }),
      { numRuns: 500 },
    );
  });

  it('handles long keys and inputs spanning several blocks', () => {
    const secret = 'k'.repeat(200);
    const parts = ['Patient', 'x'.repeat(300), 'é漢字'];
    expect(createIdFactory(secret)(parts)).toBe(deterministicId(secret, parts));
  });
});

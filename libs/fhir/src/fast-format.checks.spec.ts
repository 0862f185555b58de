import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCode, isId, isUri, isUrnUuid } from './fast-format.checks.js';
import { R4_STRUCTURE } from './r4-structure.model.js';

/** The anchored R4 regex of a primitive, as in the definitions. */
const r4 = (type: string): RegExp => new RegExp(`^(?:${R4_STRUCTURE.types[type]!.re!})$`);

// Strings biased towards the characters that matter: whitespace (ASCII and Unicode), id chars, hex.
const interesting = fc.constantFrom(' ', '\t', '\n', '\r', '\u000b', '\u00a0', '\u2028', 'a', 'Z', '0', '9', '-', '.', '_', ':', '/', 'f', 'é', '\u0001');
const text = fc.oneof(fc.string({ unit: interesting, maxLength: 70 }), fc.string({ maxLength: 70 }), fc.uuid().map((u) => `urn:uuid:${u}`));

describe('hand-written format checks agree with the R4 regexes', () => {
  it('uri (non-empty)', () => {
    fc.assert(fc.property(text, (s) => isUri(s) === (s.length > 0 && r4('uri').test(s))), { numRuns: 5000 });
  });
  it('code', () => {
    fc.assert(fc.property(text, (s) => isCode(s) === r4('code').test(s)), { numRuns: 5000 });
  });
  it('id', () => {
    fc.assert(fc.property(text, (s) => isId(s) === r4('id').test(s)), { numRuns: 5000 });
  });
  it('uuid', () => {
    fc.assert(fc.property(text, (s) => isUrnUuid(s) === r4('uuid').test(s)), { numRuns: 5000 });
  });
  it('on examples', () => {
    expect([isCode('a b'), isCode('a  b'), isCode(' a'), isCode('a\u00a0b'), isCode('a \u00a0b'), isCode('')]).toEqual([true, false, false, true, false, false]);
    expect([isUri('http://x'), isUri(''), isUri('a b'), isUri('a\u00a0b'), isUri('a\u0001b')]).toEqual([true, false, false, false, true]);
    expect([isId('x'.repeat(64)), isId('x'.repeat(65)), isId('a_b')]).toEqual([true, false, false]);
    expect([isUrnUuid('urn:uuid:6b2c1f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f'), isUrnUuid('urn:uuid:6B2C1F3E-1A2B-4C3D-8E9F-0A1B2C3D4E5F')]).toEqual([true, false]);
  });
});

import { InvalidInputError } from '@hie/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the RFC 8785 section 3.2.2 example exactly', () => {
    const input = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000f\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse reorders integer-like keys, so check the text order instead.
    expect(order).toContain('1');
    const values = [...canonicalJson(input).matchAll(/":"([^"]+)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
    [9007199254740993, '9007199254740992'],
  ])('formats the number %d as %s (RFC 8785 appendix B)', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('escapes control characters in lowercase hex and leaves other Unicode literal', () => {
    expect(canonicalJson('\u0000\u001f\b\f\t é\u2028')).toBe('"\\u0000\\u001f\\b\\f\\t é\u2028"');
  });

  it('nests, drops undefined members, and has no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: undefined, a: 'x' }], a: {} })).toBe('{"a":{},"b":[1,{"a":"x","d":2}]}');
  });

  it('refuses what I-JSON forbids', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(InvalidInputError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(InvalidInputError);
    expect(() => canonicalJson('\ud800')).toThrow(InvalidInputError);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(InvalidInputError);
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('is independent of key insertion order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reparsed = JSON.parse(text) as unknown;
        expect(canonicalJson(reparsed)).toBe(text);
        const reversed = JSON.parse(text, (_k, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

import { createHmac } from 'node:crypto';
import { HieError } from '@hie/common';
import { canonicalJson } from '@hie/fhir';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, RecordHasher, sha256 } from './record-hash.js';

/** An IEEE 754 double from its 16 hex digits (big-endian), as RFC 8785 Appendix B lists them. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalBytes: RFC 8785 conformance of @hie/fhir canonicalJson', () => {
  // RFC 8785 §3.2.2 input, as JSON text (escapes exactly as printed in the RFC).
  const rfcSample = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;

  it('gives the UTF-8 bytes of RFC 8785 §3.2.4 for the §3.2.2 sample', () => {
    const expected = `
      7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`.replace(/\s+/g, '');
    const bytes = canonicalBytes(JSON.parse(rfcSample));
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.toString('hex')).toBe(expected);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3), printing non-ASCII literally', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as unknown;
    expect(canonicalBytes(input).toString('utf8')).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // The emoji (U+1F600, surrogates D83D DE00) sorts BEFORE U+FB33: code-unit order, not
    // code-point order, which would put it last.
    expect(canonicalBytes(input).indexOf(Buffer.from('\ud83d\ude00')) < canonicalBytes(input).indexOf(Buffer.from('\ufb33'))).toBe(true);
  });

  // RFC 8785 Appendix B, every finite row (NaN and Infinity are refused, below).
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('formats the double %s as %s (Appendix B)', (hex, expected) => {
    expect(canonicalBytes(double(hex)).toString('utf8')).toBe(expected);
    expect(canonicalBytes([double(hex)]).toString('utf8')).toBe(`[${expected}]`);
  });

  it.each([
    ['NaN', double('7fffffffffffffff')],
    ['Infinity', double('7ff0000000000000')],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s (Appendix B note 3)', (_name, value) => {
    expect(() => canonicalBytes({ value })).toThrow(HieError);
  });

  // The reference implementation's test data (github.com/cyberphone/json-canonicalization,
  // testdata/input and testdata/output), nested arrays and objects included.
  it.each([
    ['arrays', '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]', '[56,{"1":[],"10":null,"d":true}]'],
    [
      'structures',
      '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    ],
    [
      'values',
      String.raw`{"numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001], "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}`,
      '{"escaping":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}',
    ],
    [
      'weird',
      String.raw`{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley", "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}`,
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
    // No Unicode normalisation: the two code points stay as sent.
    ['unicode', String.raw`{"Unnormalized Unicode":"\u1e0d\u0307"}`, '{"Unnormalized Unicode":"\u1e0d\u0307"}'],
  ])('matches the reference output for %s.json', (_name, input, expected) => {
    expect(canonicalBytes(JSON.parse(input)).toString('utf8')).toBe(expected);
  });

  it('is the UTF-8 of canonicalJson for arbitrary JSON, independent of key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const bytes = canonicalBytes(value);
        expect(bytes.equals(Buffer.from(canonicalJson(value), 'utf8'))).toBe(true);
        const reordered = JSON.parse(bytes.toString('utf8'), (_k, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalBytes(reordered).equals(bytes)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('sha256', () => {
  it('matches the FIPS 180-2 "abc" and empty-input vectors', () => {
    expect(sha256(Buffer.from('abc')).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(new Uint8Array(0)).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('RecordHasher', () => {
  it('keyedHash is HMAC-SHA256 (RFC 4231 test case 6, a 131-byte key)', () => {
    const hasher = new RecordHasher(Buffer.alloc(131, 0xaa));
    const mac = hasher.keyedHash(Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'));
    expect(mac.toString('hex')).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('refuses a hash key shorter than 32 bytes', () => {
    expect(() => new RecordHasher(Buffer.alloc(31))).toThrow(expect.objectContaining({ code: 'KEY_MATERIAL_INVALID' }));
    expect(() => new RecordHasher(Buffer.alloc(32))).not.toThrow();
  });

  it('does not change when the caller later overwrites its key buffer', () => {
    const key = Buffer.alloc(32, 7);
    const hasher = new RecordHasher(key);
    const before = hasher.keyedHash(Buffer.from('x'));
    key.fill(0);
    expect(hasher.keyedHash(Buffer.from('x')).equals(before)).toBe(true);
  });

  it('pseudonym is 64 lowercase hex of HMAC(key, kind NUL value), key-dependent', () => {
    const key = Buffer.alloc(32, 1);
    const p = new RecordHasher(key).pseudonym('Patient', 'abc');
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(p).toBe(createHmac('sha256', key).update('Patient\u0000abc').digest('hex'));
    expect(new RecordHasher(Buffer.alloc(32, 2)).pseudonym('Patient', 'abc')).not.toBe(p);
    expect(new RecordHasher(key).pseudonym('Practitioner', 'abc')).not.toBe(p);
    expect(() => new RecordHasher(key).pseudonym('Pa\u0000tient', 'abc')).toThrow(HieError);
  });

  it('pseudonyms of different (kind, value) pairs differ', () => {
    const hasher = new RecordHasher(Buffer.alloc(32, 3));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000')), fc.string(), fc.string(), (kind, a, b) => {
        fc.pre(a !== b);
        expect(hasher.pseudonym(kind, a)).not.toBe(hasher.pseudonym(kind, b));
      }),
    );
  });
});

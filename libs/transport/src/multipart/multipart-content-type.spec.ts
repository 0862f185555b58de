import { describe, expect, it } from 'vitest';
import { multipartBoundaryOf, parseMediaType } from './multipart-content-type.js';
import { MultipartError } from './multipart.errors.js';

describe('parseMediaType', () => {
  it('reads the essence and parameters, quoted or not, names case-insensitive', () => {
    const m = parseMediaType('Multipart/Related; TYPE="application/dicom"; boundary=abc123 ;start="<x>"');
    expect(m.essence).toBe('multipart/related');
    expect(Object.fromEntries(m.params)).toEqual({ type: 'application/dicom', boundary: 'abc123', start: '<x>' });
  });

  it('unquotes quoted-pairs and keeps separators inside quotes', () => {
    const m = parseMediaType('multipart/related; boundary="a;b=c \\"d\\""; type=application/dicom');
    expect(m.params.get('boundary')).toBe('a;b=c "d"');
    expect(m.params.get('type')).toBe('application/dicom');
  });

  it('keeps the first of a repeated parameter', () => {
    expect(parseMediaType('multipart/related; boundary=one; boundary=two').params.get('boundary')).toBe('one');
  });

  it('refuses an unterminated quote or a parameter without a value', () => {
    expect(() => parseMediaType('multipart/related; boundary="abc')).toThrow(MultipartError);
    expect(() => parseMediaType('multipart/related; boundary')).toThrow(MultipartError);
  });
});

describe('multipartBoundaryOf', () => {
  it('returns a valid RFC 2046 boundary (quoted ones may hold spaces and colons)', () => {
    expect(multipartBoundaryOf(parseMediaType('multipart/related; boundary="a b:c=d?"'))).toBe('a b:c=d?');
  });

  it('refuses a missing, empty, too long or invalid boundary', () => {
    for (const header of ['multipart/related', 'multipart/related; boundary=""', `multipart/related; boundary=${'x'.repeat(71)}`, 'multipart/related; boundary="ends with space "', 'multipart/related; boundary="a\\"b"']) {
      expect(() => multipartBoundaryOf(parseMediaType(header)), header).toThrow(MultipartError);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { findSegments, getValue } from './hl7-access.js';
import { parseHl7 } from './hl7.parser.js';

const m = parseHl7('MSH|^~\\&|A\rPID|1||a1^b1&c1^d1~a2^^c2\rOBX|1\rOBX|2\rZPD|""|^x');

describe('getValue', () => {
  const pid = findSegments(m, 'PID')[0];

  it('reads field, component, sub-component and repetition 1-based', () => {
    expect(getValue(pid, 3)).toBe('a1');
    expect(getValue(pid, 3, 2)).toBe('b1');
    expect(getValue(pid, 3, 2, 2)).toBe('c1');
    expect(getValue(pid, 3, 3)).toBe('d1');
    expect(getValue(pid, 3, 1, 1, 2)).toBe('a2');
    expect(getValue(pid, 3, 3, 1, 2)).toBe('c2');
  });

  it('says undefined for anything not sent, and for no segment at all', () => {
    expect(getValue(pid, 2)).toBeUndefined();
    expect(getValue(pid, 3, 2, 1, 2)).toBeUndefined(); // empty component
    expect(getValue(pid, 3, 9)).toBeUndefined();
    expect(getValue(pid, 3, 1, 1, 3)).toBeUndefined();
    expect(getValue(pid, 40)).toBeUndefined();
    expect(getValue(pid, 0)).toBeUndefined();
    expect(getValue(undefined, 3)).toBeUndefined();
    expect(getValue(findSegments(m, 'ZPD')[0], 2)).toBeUndefined();
  });

  it('returns the explicit null as ""', () => {
    expect(getValue(findSegments(m, 'ZPD')[0], 1)).toBe('""');
  });
});

describe('findSegments', () => {
  it('returns every segment of that id in order', () => {
    expect(findSegments(m, 'OBX').map((s) => getValue(s, 1))).toEqual(['1', '2']);
    expect(findSegments(m, 'NK1')).toEqual([]);
  });
});

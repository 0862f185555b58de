import { describe, expect, it } from 'vitest';
import { HieError } from '@hie/common';
import { applyJsonPatch, parseJsonPatch } from './json-patch.js';
import type { JsonPatchOperation } from './json-patch.js';

const doc = { a: { b: [1, 2, 3], 'c/d': 'x', 'e~f': 'y' }, keep: true };

describe('applyJsonPatch (RFC 6902)', () => {
  it('adds, removes, replaces, moves, copies and tests, without touching the input', () => {
    const ops: JsonPatchOperation[] = [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 4 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/a/c~1d', value: 'z' },
      { op: 'move', from: '/a/e~0f', path: '/moved' },
      { op: 'copy', from: '/a/b', path: '/copy' },
      { op: 'test', path: '/copy', value: [9, 2, 3, 4] },
    ];
    const before = structuredClone(doc);
    expect(applyJsonPatch(doc, ops)).toEqual({ a: { b: [9, 2, 3, 4], 'c/d': 'z' }, keep: true, moved: 'y', copy: [9, 2, 3, 4] });
    expect(doc).toEqual(before);
  });

  it.each<[string, JsonPatchOperation]>([
    ['replace on a missing path', { op: 'replace', path: '/missing', value: 1 }],
    ['remove on a missing path', { op: 'remove', path: '/a/nope' }],
    ['add under a missing parent', { op: 'add', path: '/x/y', value: 1 }],
    ['an index past the end', { op: 'add', path: '/a/b/7', value: 1 }],
    ['a failed test', { op: 'test', path: '/keep', value: false }],
    ['moving into itself', { op: 'move', from: '/a', path: '/a/b/0' }],
    ['a path without a leading slash', { op: 'add', path: 'a', value: 1 }],
  ])('refuses %s with FHIR_PATCH_FAILED and no value in the message', (_name, op) => {
    let caught: unknown;
    try {
      applyJsonPatch({ ...doc, secret: 'PHI-VALUE' }, [{ op: 'add', path: '/ok', value: 'PHI-VALUE' }, op]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HieError);
    expect((caught as HieError).code).toBe('FHIR_PATCH_FAILED');
    expect((caught as HieError).details).toMatchObject({ index: 1 });
    expect((caught as HieError).message).not.toContain('PHI-VALUE');
  });

  it('parses a patch document and rejects malformed ones', () => {
    expect(parseJsonPatch('[{"op":"remove","path":"/a"}]')).toEqual([{ op: 'remove', path: '/a' }]);
    for (const bad of ['{', '{}', '[{"op":"nope","path":"/a"}]', '[{"op":"add","path":"/a"}]', '[{"op":"move","path":"/a"}]']) {
      expect(() => parseJsonPatch(bad)).toThrow(HieError);
    }
  });
});

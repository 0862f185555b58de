import { describe, expect, it } from 'vitest';
import { DicomMetadataCache } from './dicom-metadata.cache.js';

describe('DicomMetadataCache', () => {
  it('keys by instance and version, and drops the least recently used beyond capacity', () => {
    const cache = new DicomMetadataCache(2);
    cache.set('a', 1, { x: { vr: 'CS', Value: ['A1'] } });
    cache.set('b', 1, { x: { vr: 'CS', Value: ['B1'] } });
    expect(cache.get('a', 2)).toBeUndefined();
    expect(cache.get('a', 1)).toEqual({ x: { vr: 'CS', Value: ['A1'] } }); // a is now the most recent
    cache.set('c', 1, {});
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.size).toBe(2);
  });
});

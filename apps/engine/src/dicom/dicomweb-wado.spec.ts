import { describe, expect, it } from 'vitest';
import { negotiateWado } from './dicomweb-wado.response.js';

const EXPLICIT_LE = new Set(['1.2.840.10008.1.2.1']);

describe('negotiateWado', () => {
  it('answers multipart for dicomweb-client, no Accept, */* and multipart/*', () => {
    expect(negotiateWado('multipart/related; type="application/dicom"', EXPLICIT_LE, true)).toBe('multipart');
    expect(negotiateWado(undefined, EXPLICIT_LE, true)).toBe('multipart');
    expect(negotiateWado('*/*', EXPLICIT_LE, false)).toBe('multipart');
    expect(negotiateWado('multipart/*', EXPLICIT_LE, false)).toBe('multipart');
  });

  it('answers a single part for application/dicom on one instance only', () => {
    expect(negotiateWado('application/dicom', EXPLICIT_LE, true)).toBe('single');
    expect(negotiateWado('application/dicom', EXPLICIT_LE, false)).toBeUndefined();
    expect(negotiateWado('application/dicom, multipart/related; type="application/dicom"', EXPLICIT_LE, false)).toBe('multipart');
  });

  it('refuses a transfer syntax other than the stored one and other part types (nothing is transcoded)', () => {
    expect(negotiateWado('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50', EXPLICIT_LE, true)).toBeUndefined();
    expect(negotiateWado('multipart/related; type="application/dicom"; transfer-syntax=*', EXPLICIT_LE, true)).toBe('multipart');
    expect(negotiateWado('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1', EXPLICIT_LE, true)).toBe('multipart');
    expect(negotiateWado('multipart/related; type="image/jpeg"', EXPLICIT_LE, true)).toBeUndefined();
    expect(negotiateWado('application/json', EXPLICIT_LE, true)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { DimseStatus, dimseStoreStatus, errorComment } from './dimse-status.js';

describe('dimseStoreStatus', () => {
  it('answers success with no comment', () => {
    expect(dimseStoreStatus({ ok: true })).toEqual({ status: 0x0000, comment: '' });
  });

  it.each([
    ['DICOM_MISSING_ATTRIBUTE', DimseStatus.DataSetDoesNotMatchSopClass],
    ['DICOM_SOP_MISMATCH', 0xa900],
    ['DICOM_TRUNCATED', 0xc000],
    ['DICOM_LENGTH_BEYOND_END', 0xc000],
    ['DICOM_BAD_ENCODING', 0xc000],
    ['DICOM_UNKNOWN_TRANSFER_SYNTAX', 0xc000],
    ['DICOM_NOT_PART10', 0xc000],
    ['DICOM_HEADER_TOO_LARGE', 0xa700],
    ['DICOM_STORE_FAILED', 0xa700],
    ['DIMSE_CONTEXT_NOT_ACCEPTED', 0x0122],
    ['SOMETHING_NEW', 0xc000],
  ])('maps %s to 0x%s', (code, status) => {
    const answer = dimseStoreStatus({ ok: false, code, reason: 'why' });
    expect(answer.status).toBe(status);
    expect(answer.comment).toBe(`${code}: why`);
  });

  it('keeps the Error Comment a valid LO: at most 64 characters, no backslash or control characters', () => {
    const comment = errorComment('DICOM_BAD_ENCODING', 'odd length\\at\u0000offset 12 in a very long explanation of what went wrong — here');
    expect(comment.length).toBeLessThanOrEqual(64);
    expect(comment).toMatch(/^[\u0020-\u007e]+$/);
    expect(comment).not.toContain('\\');
    expect(comment.endsWith('...')).toBe(true);
    expect(errorComment('DICOM_STORE_FAILED')).toBe('DICOM_STORE_FAILED');
  });
});

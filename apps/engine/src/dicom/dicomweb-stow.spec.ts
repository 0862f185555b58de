import { describe, expect, it } from 'vitest';
import { MultipartError } from '@hie/transport';
import { DicomwebStowHandler } from './dicomweb-stow.handler.js';
import { STOW_FAILURE, stowFailureReason, stowResponse, type StowPartResult } from './dicomweb-stow.response.js';

const BASE = 'http://pacs.test/dicomweb';
const OK = (sop: string, study = '1.2'): StowPartResult => ({ ok: true, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop, studyInstanceUid: study, seriesInstanceUid: `${study}.1` });

describe('stowResponse', () => {
  it('answers 200 with ReferencedSOPSequence and the study RetrieveURL when every part was stored', () => {
    const { status, dataset } = stowResponse([OK('1.2.1.1'), OK('1.2.1.2')], BASE);
    expect(status).toBe(200);
    expect(dataset['00081190']).toEqual({ vr: 'UR', Value: [`${BASE}/studies/1.2`] });
    expect(dataset['00081198']).toBeUndefined();
    expect(dataset['00081199']!.Value).toEqual([
      { '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.1.1'] }, '00081190': { vr: 'UR', Value: [`${BASE}/studies/1.2/series/1.2.1/instances/1.2.1.1`] } },
      { '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.1.2'] }, '00081190': { vr: 'UR', Value: [`${BASE}/studies/1.2/series/1.2.1/instances/1.2.1.2`] } },
    ]);
  });

  it('answers 202 with FailedSOPSequence when some failed, 409 when all did; no study URL across studies', () => {
    const partial = stowResponse([OK('1.2.1.1'), { ok: false, code: 'DICOM_TRUNCATED', sopInstanceUid: '9.9' }], BASE);
    expect(partial.status).toBe(202);
    expect(partial.dataset['00081198']!.Value).toEqual([{ '00081150': { vr: 'UI' }, '00081155': { vr: 'UI', Value: ['9.9'] }, '00081197': { vr: 'US', Value: [0xc000] } }]);
    const none = stowResponse([{ ok: false, code: 'DICOM_UNKNOWN_TRANSFER_SYNTAX' }], BASE, '1.5');
    expect(none.status).toBe(409);
    expect(none.dataset['00081190']).toEqual({ vr: 'UR', Value: [`${BASE}/studies/1.5`] });
    expect(none.dataset['00081199']).toBeUndefined();
    expect(stowResponse([OK('1.2.1.1'), OK('1.3.1.1', '1.3')], BASE).dataset['00081190']).toBeUndefined();
  });

  it('maps intake refusals to PS3.18 failure reasons', () => {
    expect(stowFailureReason('DICOM_STUDY_MISMATCH')).toBe(STOW_FAILURE.MISMATCH);
    expect(stowFailureReason('DICOM_MISSING_ATTRIBUTE')).toBe(0xa900);
    expect(stowFailureReason('DICOM_LENGTH_BEYOND_END')).toBe(0xc000);
    expect(stowFailureReason('DICOM_NOT_PART10')).toBe(0xc000);
    expect(stowFailureReason('DICOM_UNKNOWN_TRANSFER_SYNTAX')).toBe(0xc122);
    expect(stowFailureReason('DICOM_STORE_FAILED')).toBe(0xa700);
    expect(stowFailureReason('SOMETHING_ELSE')).toBe(0x0110);
  });
});

async function* source(text: string, cut = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += cut) yield bytes.subarray(i, i + cut);
}

/** An intake that reads each part to its end (as the real one does) and accepts parts starting with "OK". */
function fakeIntake() {
  const seen: { body: string; expected?: string }[] = [];
  return {
    seen,
    accept: async (s: { body: AsyncIterable<Uint8Array>; expectedStudyInstanceUid?: string }) => {
      const chunks: Buffer[] = [];
      try {
        for await (const c of s.body) chunks.push(Buffer.from(c));
      } catch {
        return { ok: false as const, code: 'DICOM_TRUNCATED' as const, reason: 'cut' };
      }
      const body = Buffer.concat(chunks).toString('latin1');
      seen.push({ body, ...(s.expectedStudyInstanceUid ? { expected: s.expectedStudyInstanceUid } : {}) });
      return body.startsWith('OK')
        ? { ok: true as const, messageId: 'm', sopClassUid: '1.2', sopInstanceUid: `1.2.3.${seen.length}`, studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', duplicate: false }
        : { ok: false as const, code: 'DICOM_NOT_PART10' as const, reason: 'not dicom' };
    },
  };
}

describe('DicomwebStowHandler', () => {
  const CT = 'multipart/related; type="application/dicom"; boundary="bb"';

  it('hands every application/dicom part to intake in order and reports a part of another type failed', async () => {
    const intake = fakeIntake();
    const body = '--bb\r\nContent-Type: application/dicom\r\n\r\nOK one\r\n--bb\r\nContent-Type: text/plain\r\n\r\nskip me\r\n--bb\r\n\r\nbad two\r\n--bb--';
    const outcome = await new DicomwebStowHandler(intake).store(source(body), CT, BASE, '1.2.3');
    expect(intake.seen).toEqual([{ body: 'OK one', expected: '1.2.3' }, { body: 'bad two', expected: '1.2.3' }]);
    expect(outcome).toMatchObject({ kind: 'stored', status: 202 });
    if (outcome.kind !== 'stored') throw new Error('unreachable');
    expect((outcome.dataset['00081198']!.Value as Record<string, { Value: number[] }>[]).map((i) => i['00081197']!.Value[0])).toEqual([0xc000, 0xc000]);
  });

  it('answers unsupported media types (415) and throws MultipartError (400) for a malformed or empty body', async () => {
    const intake = fakeIntake();
    const handler = new DicomwebStowHandler(intake);
    expect(await handler.store(source(''), 'application/json', BASE)).toMatchObject({ kind: 'unsupported-media-type' });
    expect(await handler.store(source(''), 'multipart/related; type="application/dicom+json"; boundary=bb', BASE)).toMatchObject({ kind: 'unsupported-media-type' });
    await expect(handler.store(source('--bb--'), 'multipart/related; type="application/dicom"', BASE)).rejects.toMatchObject({ code: 'MULTIPART_BAD_CONTENT_TYPE' });
    await expect(handler.store(source('--bb--'), CT, BASE)).rejects.toBeInstanceOf(MultipartError);
    await expect(handler.store(source('--bb\r\n\r\nOK but never closed'), CT, BASE)).rejects.toMatchObject({ code: 'MULTIPART_TRUNCATED' });
    expect(intake.seen).toEqual([]); // the cut part was refused by intake (it saw the stream fail), nothing else arrived
  });
});

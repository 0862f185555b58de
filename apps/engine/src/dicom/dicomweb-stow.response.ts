import type { DicomJsonObject } from '@hie/pipeline';

/** One STOW-RS part's result: what DicomIntakeService.accept answers, or a part refused before intake. */
export type StowPartResult =
  | { ok: true; sopClassUid: string; sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string }
  | { ok: false; code: string; sopClassUid?: string; sopInstanceUid?: string };

/** PS3.18 Table I.2-1 / PS3.4 failure reasons used in FailedSOPSequence (0008,1198). */
export const STOW_FAILURE = {
  /** Data set does not match SOP Class / missing or mismatched attribute. */
  MISMATCH: 0xa900,
  /** Cannot understand (unreadable, truncated, not DICOM). */
  CANNOT_UNDERSTAND: 0xc000,
  /** Transfer syntax not supported. */
  TRANSFER_SYNTAX: 0xc122,
  /** Refused: out of resources (storing failed). */
  STORE_FAILED: 0xa700,
  /** Processing failure. */
  PROCESSING: 0x0110,
} as const;

/** The FailureReason of a refused part, by intake refusal code. */
export function stowFailureReason(code: string): number {
  switch (code) {
    case 'DICOM_MISSING_ATTRIBUTE':
    case 'DICOM_STUDY_MISMATCH':
    case 'DICOM_SOP_MISMATCH':
      return STOW_FAILURE.MISMATCH;
    case 'DICOM_NOT_PART10':
    case 'DICOM_TRUNCATED':
    case 'DICOM_LENGTH_BEYOND_END':
    case 'DICOM_BAD_ENCODING':
    case 'DICOM_HEADER_TOO_LARGE':
    case 'DICOMWEB_PART_NOT_DICOM':
      return STOW_FAILURE.CANNOT_UNDERSTAND;
    case 'DICOM_UNKNOWN_TRANSFER_SYNTAX':
      return STOW_FAILURE.TRANSFER_SYNTAX;
    case 'DICOM_STORE_FAILED':
      return STOW_FAILURE.STORE_FAILED;
    default:
      return STOW_FAILURE.PROCESSING;
  }
}

/**
 * The STOW-RS response (PS3.18 §10.5.3): status 200 when every part was stored, 202 when some
 * failed, 409 when all failed; the data set lists stored instances in ReferencedSOPSequence
 * (0008,1199) with their RetrieveURL, failed ones in FailedSOPSequence (0008,1198) with
 * FailureReason (0008,1197), and the study's RetrieveURL (0008,1190) when the request named a
 * study or every stored instance belongs to one.
 */
export function stowResponse(results: readonly StowPartResult[], base: string, study?: string): { status: 200 | 202 | 409; dataset: DicomJsonObject } {
  const stored = results.filter((r): r is Extract<StowPartResult, { ok: true }> => r.ok);
  const failed = results.filter((r): r is Extract<StowPartResult, { ok: false }> => !r.ok);
  const dataset: DicomJsonObject = {};
  const studies = new Set(stored.map((r) => r.studyInstanceUid));
  const studyUid = study ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (studyUid !== undefined) dataset['00081190'] = { vr: 'UR', Value: [`${base}/studies/${studyUid}`] };
  if (failed.length > 0) {
    dataset['00081198'] = {
      vr: 'SQ',
      Value: failed.map((r) => ({
        '00081150': uiOf(r.sopClassUid),
        '00081155': uiOf(r.sopInstanceUid),
        '00081197': { vr: 'US', Value: [stowFailureReason(r.code)] },
      })),
    };
  }
  if (stored.length > 0) {
    dataset['00081199'] = {
      vr: 'SQ',
      Value: stored.map((r) => ({
        '00081150': uiOf(r.sopClassUid),
        '00081155': uiOf(r.sopInstanceUid),
        '00081190': { vr: 'UR', Value: [`${base}/studies/${r.studyInstanceUid}/series/${r.seriesInstanceUid}/instances/${r.sopInstanceUid}`] },
      })),
    };
  }
  const status = failed.length === 0 ? 200 : stored.length === 0 ? 409 : 202;
  return { status, dataset };
}

function uiOf(uid: string | undefined): { vr: string; Value?: unknown[] } {
  return uid === undefined || uid.length === 0 ? { vr: 'UI' } : { vr: 'UI', Value: [uid] };
}

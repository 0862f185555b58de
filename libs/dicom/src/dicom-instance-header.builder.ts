import type { DicomInstanceHeader } from './dicom-instance-header.model.js';
import type { DicomJson } from './dicom-json.model.js';
import { DicomRefusedError } from './dicom-refused.error.js';
import { dicomJsonKey } from './dicom-json.model.js';
import { TAG } from './dicom-tag.js';
import { isValidUid } from './dicom-uid.js';

const REQUIRED = [
  ['sopClassUid', TAG.SOP_CLASS_UID, 'SOPClassUID'],
  ['sopInstanceUid', TAG.SOP_INSTANCE_UID, 'SOPInstanceUID'],
  ['studyInstanceUid', TAG.STUDY_INSTANCE_UID, 'StudyInstanceUID'],
  ['seriesInstanceUid', TAG.SERIES_INSTANCE_UID, 'SeriesInstanceUID'],
] as const;

type RequiredUids = Pick<DicomInstanceHeader, (typeof REQUIRED)[number][0]>;

/**
 * The instance header from a read data set: the four identifying UIDs must be present and valid
 * (they key the instance, its series and study everywhere downstream, in 64-character columns).
 */
export function buildInstanceHeader(transferSyntaxUid: string, metadata: DicomJson, offset?: number): DicomInstanceHeader {
  const missing: string[] = [];
  const invalid: string[] = [];
  const uids: Partial<RequiredUids> = {};
  for (const [field, tag, keyword] of REQUIRED) {
    const value = metadata[dicomJsonKey(tag)]?.Value?.[0];
    if (typeof value !== 'string' || value === '') missing.push(keyword);
    else if (!isValidUid(value)) invalid.push(keyword);
    else uids[field] = value;
  }
  if (missing.length > 0) {
    throw new DicomRefusedError('DICOM_MISSING_ATTRIBUTE', `the data set has no ${missing.join(', ')}`, offset);
  }
  if (invalid.length > 0) {
    throw new DicomRefusedError('DICOM_BAD_ENCODING', `${invalid.join(', ')} is not a valid UID (digits and dots, at most 64 characters)`, offset);
  }
  return { transferSyntaxUid, ...(uids as RequiredUids), metadata };
}

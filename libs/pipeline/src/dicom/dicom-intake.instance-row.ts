import type { DicomInstanceHeader } from '@hie/dicom';
import type { DicomFailure } from './dicom-failure.mapper.js';
import { firstInt32, firstString } from './dicom-intake.json-reader.js';

/** The header values the `dicom_instance` row keeps (besides the UIDs). */
export interface DicomIndexValues {
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  patientId?: string;
  patientName?: string;
  studyDate?: string;
  studyTime?: string;
  accessionNumber?: string;
  studyDescription?: string;
}

const UID = /^[0-9.]{1,64}$/;

/**
 * The checks intake makes on a header beyond the reader's: the UIDs the index keys on must be
 * real UIDs (digits and dots, at most 64), the SOP Class/Instance UID announced by the C-STORE
 * command must be the data set's, and a STOW-RS to /studies/{uid} must carry that study.
 */
export function checkHeader(
  header: DicomInstanceHeader,
  expect: { announced?: { sopClassUid?: string; sopInstanceUid?: string }; expectedStudyInstanceUid?: string },
): DicomFailure | undefined {
  const uids = {
    'SOP Class UID (0008,0016)': header.sopClassUid,
    'SOP Instance UID (0008,0018)': header.sopInstanceUid,
    'Study Instance UID (0020,000D)': header.studyInstanceUid,
    'Series Instance UID (0020,000E)': header.seriesInstanceUid,
    'Transfer Syntax UID (0002,0010)': header.transferSyntaxUid,
  };
  for (const [name, value] of Object.entries(uids)) {
    if (!UID.test(value)) return { code: 'DICOM_BAD_ENCODING', reason: `${name} is not a valid UID (digits and dots, at most 64)` };
  }
  const announced = expect.announced;
  if (announced?.sopClassUid !== undefined && announced.sopClassUid.trim() !== header.sopClassUid) {
    return { code: 'DICOM_SOP_MISMATCH', reason: 'The SOP Class UID of the C-STORE request differs from the data set\'s (0008,0016)' };
  }
  if (announced?.sopInstanceUid !== undefined && announced.sopInstanceUid.trim() !== header.sopInstanceUid) {
    return { code: 'DICOM_SOP_MISMATCH', reason: 'The SOP Instance UID of the C-STORE request differs from the data set\'s (0008,0018)' };
  }
  if (expect.expectedStudyInstanceUid !== undefined && expect.expectedStudyInstanceUid.trim() !== header.studyInstanceUid) {
    return { code: 'DICOM_STUDY_MISMATCH', reason: 'The instance\'s Study Instance UID (0020,000D) is not the study of the request URL' };
  }
  return undefined;
}

/** The index columns read from the metadata; values that do not fit their column are left out. */
export function indexValues(header: DicomInstanceHeader): DicomIndexValues {
  const m = header.metadata;
  const values: DicomIndexValues = {};
  const put = <K extends keyof DicomIndexValues>(key: K, value: DicomIndexValues[K] | undefined): void => {
    if (value !== undefined) values[key] = value;
  };
  put('modality', fits(firstString(m, '00080060'), 16));
  put('seriesNumber', firstInt32(m, '00200011'));
  put('instanceNumber', firstInt32(m, '00200013'));
  put('patientId', firstString(m, '00100020'));
  put('patientName', firstString(m, '00100010'));
  put('studyDate', fits(firstString(m, '00080020'), 8));
  put('studyTime', fits(firstString(m, '00080030'), 16));
  put('accessionNumber', firstString(m, '00080050'));
  put('studyDescription', firstString(m, '00081030'));
  return values;
}

function fits(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length <= max ? value : undefined;
}

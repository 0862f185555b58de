import type { DicomJson } from './dicom-json.model.js';

/** What the engine needs of an instance before storing it: its identity and its metadata. */
export interface DicomInstanceHeader {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /**
   * DICOM JSON of the data set (file meta group 0002 excluded); Pixel Data and other bulk values
   * (OB/OW/OF/OD/OL/OV/UN longer than 1 KiB) are left out: their element is present without Value.
   * Elements after Pixel Data (trailing padding) are not included.
   */
  metadata: DicomJson;
}

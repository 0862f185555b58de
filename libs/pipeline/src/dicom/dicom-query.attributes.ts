/**
 * The attributes QIDO-RS names, by keyword and tag ('GGGGEEEE'). Matching keys are this
 * engine's indexed columns; `includefield` may name any of these (or any tag in hex).
 */
export const QIDO_KEYWORDS: Readonly<Record<string, string>> = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  AcquisitionDate: '00080022',
  ContentDate: '00080023',
  StudyTime: '00080030',
  SeriesTime: '00080031',
  ContentTime: '00080033',
  AccessionNumber: '00080050',
  InstanceAvailability: '00080056',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  SOPClassesInStudy: '00080062',
  Manufacturer: '00080070',
  InstitutionName: '00080080',
  ReferringPhysicianName: '00080090',
  TimezoneOffsetFromUTC: '00080201',
  StationName: '00081010',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  InstitutionalDepartmentName: '00081040',
  PerformingPhysicianName: '00081050',
  ManufacturerModelName: '00081090',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  PatientAge: '00101010',
  BodyPartExamined: '00180015',
  ProtocolName: '00181030',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  Laterality: '00200060',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  BitsAllocated: '00280100',
  PerformedProcedureStepStartDate: '00400244',
  PerformedProcedureStepStartTime: '00400245',
  RequestAttributesSequence: '00400275',
};

const TAG = /^[0-9A-Fa-f]{8}$/;

/** 'GGGGEEEE' (upper case) of a keyword or hex tag; undefined when it is neither. */
export function tagOf(key: string): string | undefined {
  if (TAG.test(key)) return key.toUpperCase();
  return QIDO_KEYWORDS[key];
}

/** The tags of each level's default answer (PS3.18 Tables 10.6.3-3..5, what this index can say). */
export const STUDY_TAGS = [
  '00080020', '00080030', '00080050', '00080056', '00080061', '00080062', '00080090', '00081030', '00081190',
  '00100010', '00100020', '00100021', '00100030', '00100040', '0020000D', '00200010', '00201206', '00201208',
] as const;
export const SERIES_TAGS = ['00080056', '00080060', '00080021', '00080031', '0008103E', '00081190', '0020000D', '0020000E', '00200011', '00201209', '00400244', '00400245'] as const;
export const INSTANCE_TAGS = [
  '00080016', '00080018', '00080056', '00080060', '00081190', '0020000D', '0020000E', '00200013', '00280008', '00280010', '00280011', '00280100',
] as const;

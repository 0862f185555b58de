import { readDate } from '../sql/sql-runner.js';
import type { DicomInstanceRow } from './dicom-instance.model.js';

/** Columns of `dicom_instance` in the order {@link instanceParams} binds them. */
export const DICOM_INSTANCE_COLUMNS = [
  'sop_instance_uid', 'study_instance_uid', 'series_instance_uid', 'sop_class_uid', 'transfer_syntax_uid', 'modality',
  'series_number', 'instance_number', 'patient_id', 'issuer_of_patient_id', 'patient_name', 'patient_resource_id',
  'study_date', 'study_time', 'accession_number', 'study_description', 'record_id', 'version_id', 'message_id', 'cid',
  'size_bytes', 'plaintext_bytes', 'content_hash', 'data_key_id', 'metadata', 'stored_at',
] as const;

/** A `dicom_instance` row as either driver returns it (bigint as string on PostgreSQL). */
export type DicomInstanceDbRow = Record<(typeof DICOM_INSTANCE_COLUMNS)[number], unknown>;

/** The values of a row, in column order (`storedAt` as the dialect binds dates). */
export function instanceParams(row: DicomInstanceRow, date: (d: Date) => unknown): unknown[] {
  return [
    row.sopInstanceUid, row.studyInstanceUid, row.seriesInstanceUid, row.sopClassUid, row.transferSyntaxUid, row.modality ?? null,
    row.seriesNumber ?? null, row.instanceNumber ?? null, row.patientId ?? null, row.issuerOfPatientId ?? null,
    row.patientName ?? null, row.patientResourceId ?? null, row.studyDate ?? null, row.studyTime ?? null,
    row.accessionNumber ?? null, row.studyDescription ?? null, row.recordId, row.versionId, row.messageId, row.cid,
    row.sizeBytes, row.plaintextBytes, row.contentHash, row.dataKeyId, row.metadata, date(row.storedAt),
  ];
}

/** Maps a row (null columns become absent properties). */
export function toDicomInstance(r: DicomInstanceDbRow): DicomInstanceRow {
  const row: DicomInstanceRow = {
    sopInstanceUid: String(r.sop_instance_uid),
    studyInstanceUid: String(r.study_instance_uid),
    seriesInstanceUid: String(r.series_instance_uid),
    sopClassUid: String(r.sop_class_uid),
    transferSyntaxUid: String(r.transfer_syntax_uid),
    recordId: String(r.record_id),
    versionId: Number(r.version_id),
    messageId: String(r.message_id),
    cid: String(r.cid),
    sizeBytes: Number(r.size_bytes),
    plaintextBytes: Number(r.plaintext_bytes),
    contentHash: String(r.content_hash),
    dataKeyId: String(r.data_key_id),
    metadata: String(r.metadata),
    storedAt: readDate(r.stored_at),
  };
  const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
  const int = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
  const optional: Partial<DicomInstanceRow> = {
    modality: text(r.modality),
    seriesNumber: int(r.series_number),
    instanceNumber: int(r.instance_number),
    patientId: text(r.patient_id),
    issuerOfPatientId: text(r.issuer_of_patient_id),
    patientName: text(r.patient_name),
    patientResourceId: text(r.patient_resource_id),
    studyDate: text(r.study_date),
    studyTime: text(r.study_time),
    accessionNumber: text(r.accession_number),
    studyDescription: text(r.study_description),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (row as unknown as Record<string, unknown>)[key] = value;
  return row;
}

import { InvalidInputError } from '@hie/common';
import { isUuid } from '../sql/batching.js';
import { isHex64, validateRecords } from '../protect/protection.validator.js';
import { MESSAGE_FORMATS } from '../message.model.js';
import type { DicomInstanceCommit } from './dicom-instance.model.js';

/** A DICOM UID: at most 64 characters of digits and dots (PS3.5 9.1). */
export function isDicomUid(value: string): boolean {
  return value.length > 0 && value.length <= 64 && /^[0-9.]+$/.test(value);
}

const INT32_MAX = 2_147_483_647;

/**
 * Refuses a commit the tables cannot hold, or whose parts disagree (the index row, its
 * protected record and its message must name the same version). Details name the field only.
 */
export function validateCommit(commit: DicomInstanceCommit): void {
  const { instance: i, record: r, message: m } = commit;
  const bad = (field: string): never => {
    throw new InvalidInputError('STORE_BAD_DICOM_INSTANCE', 'Invalid DICOM instance', { field });
  };
  for (const field of ['sopInstanceUid', 'studyInstanceUid', 'seriesInstanceUid', 'sopClassUid', 'transferSyntaxUid'] as const) {
    if (!isDicomUid(i[field])) bad(field);
  }
  if (i.modality !== undefined && i.modality.length > 16) bad('modality');
  if (i.studyDate !== undefined && i.studyDate.length > 8) bad('studyDate');
  if (i.studyTime !== undefined && i.studyTime.length > 16) bad('studyTime');
  if (i.patientResourceId !== undefined && (i.patientResourceId.length === 0 || i.patientResourceId.length > 64)) bad('patientResourceId');
  for (const field of ['seriesNumber', 'instanceNumber'] as const) {
    const v = i[field];
    if (v !== undefined && (!Number.isSafeInteger(v) || Math.abs(v) > INT32_MAX)) bad(field);
  }
  if (i.recordId.length === 0 || i.recordId.length > 64) bad('recordId');
  if (!Number.isSafeInteger(i.versionId) || i.versionId < 1 || i.versionId > INT32_MAX) bad('versionId');
  if (!isUuid(i.messageId)) bad('messageId');
  if (!isUuid(i.dataKeyId)) bad('dataKeyId');
  if (i.cid.length === 0 || i.cid.length > 128) bad('cid');
  if (!isHex64(i.contentHash)) bad('contentHash');
  if (!Number.isSafeInteger(i.sizeBytes) || i.sizeBytes < 0) bad('sizeBytes');
  if (!Number.isSafeInteger(i.plaintextBytes) || i.plaintextBytes < 0) bad('plaintextBytes');
  validateRecords([r]);
  if (r.type !== 'DicomInstance' || r.id !== i.recordId || r.versionId !== i.versionId || r.messageId !== i.messageId || r.cid !== i.cid || r.dataKeyId !== i.dataKeyId) {
    bad('record');
  }
  if (m.id !== i.messageId || m.format !== 'dicom' || m.status !== 'received' || !MESSAGE_FORMATS.includes(m.format)) bad('message');
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One stored DICOM instance (by SOP Instance UID), pointing at its newest version: where the
 * encrypted Part 10 object is (`cid`), its protected record (`record_id`, `version_id`), the
 * message that brought it, and the header values QIDO-RS and ImagingStudy conversion read.
 * `metadata` is the DICOM JSON of the data set without bulk data (no pixels). Patient values
 * are PHI: an erasure deletes the patient's rows. DicomInstanceRepository does the I/O.
 */
@Entity({ name: 'dicom_instance' })
@Index('dicom_instance_study_idx', ['studyInstanceUid'])
@Index('dicom_instance_series_idx', ['seriesInstanceUid'])
@Index('dicom_instance_patient_resource_idx', ['patientResourceId'])
@Index('dicom_instance_patient_id_idx', ['patientId'])
@Index('dicom_instance_study_date_idx', ['studyDate'])
@Index('dicom_instance_accession_idx', ['accessionNumber'])
@Index('dicom_instance_message_id_idx', ['messageId'])
export class DicomInstanceEntity {
  @PrimaryColumn({ name: 'sop_instance_uid', type: 'varchar', length: 64 })
  sopInstanceUid!: string;

  @Column({ name: 'study_instance_uid', type: 'varchar', length: 64 })
  studyInstanceUid!: string;

  @Column({ name: 'series_instance_uid', type: 'varchar', length: 64 })
  seriesInstanceUid!: string;

  @Column({ name: 'sop_class_uid', type: 'varchar', length: 64 })
  sopClassUid!: string;

  @Column({ name: 'transfer_syntax_uid', type: 'varchar', length: 64 })
  transferSyntaxUid!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  modality!: string | null;

  @Column({ name: 'series_number', type: 'integer', nullable: true })
  seriesNumber!: number | null;

  @Column({ name: 'instance_number', type: 'integer', nullable: true })
  instanceNumber!: number | null;

  @Column({ name: 'patient_id', type: 'text', nullable: true })
  patientId!: string | null;

  @Column({ name: 'issuer_of_patient_id', type: 'text', nullable: true })
  issuerOfPatientId!: string | null;

  @Column({ name: 'patient_name', type: 'text', nullable: true })
  patientName!: string | null;

  /** The FHIR Patient id (see dicomPatientResourceId); null when the instance names no patient. */
  @Column({ name: 'patient_resource_id', type: 'varchar', length: 64, nullable: true })
  patientResourceId!: string | null;

  @Column({ name: 'study_date', type: 'varchar', length: 8, nullable: true })
  studyDate!: string | null;

  @Column({ name: 'study_time', type: 'varchar', length: 16, nullable: true })
  studyTime!: string | null;

  @Column({ name: 'accession_number', type: 'text', nullable: true })
  accessionNumber!: string | null;

  @Column({ name: 'study_description', type: 'text', nullable: true })
  studyDescription!: string | null;

  @Column({ name: 'record_id', type: 'varchar', length: 64 })
  recordId!: string;

  @Column({ name: 'version_id', type: 'integer' })
  versionId!: number;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ type: 'varchar', length: 128 })
  cid!: string;

  /** Size of the stored (encrypted) object. */
  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  /** Size of the Part 10 file it decrypts to. */
  @Column({ name: 'plaintext_bytes', type: 'bigint' })
  plaintextBytes!: string;

  /** SHA-256 of the Part 10 bytes, 64 lowercase hex. */
  @Column({ name: 'content_hash', type: 'character', length: 64 })
  contentHash!: string;

  @Column({ name: 'data_key_id', type: 'uuid' })
  dataKeyId!: string;

  @Column({ type: 'text' })
  metadata!: string;

  @Column({ name: 'stored_at', type: Date })
  storedAt!: Date;
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL schema, version 3: `dicom_instance`, the index of stored DICOM instances (one row
 * per SOP Instance UID, pointing at its newest stored version). It holds the header values
 * QIDO-RS searches and ImagingStudy conversion reads; the instance itself is an encrypted
 * object in the content store (`cid`). UID columns use the "C" collation: they are ASCII ids.
 */
export class DicomInstancePostgres1766000000000 implements MigrationInterface {
  readonly name = 'DicomInstancePostgres1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dicom_instance (
      sop_instance_uid varchar(64) COLLATE "C" PRIMARY KEY,
      study_instance_uid varchar(64) COLLATE "C" NOT NULL,
      series_instance_uid varchar(64) COLLATE "C" NOT NULL,
      sop_class_uid varchar(64) COLLATE "C" NOT NULL,
      transfer_syntax_uid varchar(64) COLLATE "C" NOT NULL,
      modality varchar(16),
      series_number integer,
      instance_number integer,
      patient_id text,
      issuer_of_patient_id text,
      patient_name text,
      patient_resource_id varchar(64) COLLATE "C",
      study_date varchar(8),
      study_time varchar(16),
      accession_number text,
      study_description text,
      record_id varchar(64) COLLATE "C" NOT NULL,
      version_id integer NOT NULL,
      message_id uuid NOT NULL,
      cid varchar(128) COLLATE "C" NOT NULL,
      size_bytes bigint NOT NULL,
      plaintext_bytes bigint NOT NULL,
      content_hash char(64) NOT NULL,
      data_key_id uuid NOT NULL,
      metadata text NOT NULL,
      stored_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX dicom_instance_study_idx ON dicom_instance (study_instance_uid)`);
    await q.query(`CREATE INDEX dicom_instance_series_idx ON dicom_instance (series_instance_uid)`);
    await q.query(`CREATE INDEX dicom_instance_patient_resource_idx ON dicom_instance (patient_resource_id)`);
    await q.query(`CREATE INDEX dicom_instance_patient_id_idx ON dicom_instance (patient_id)`);
    await q.query(`CREATE INDEX dicom_instance_study_date_idx ON dicom_instance (study_date)`);
    await q.query(`CREATE INDEX dicom_instance_accession_idx ON dicom_instance (accession_number)`);
    await q.query(`CREATE INDEX dicom_instance_message_id_idx ON dicom_instance (message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dicom_instance`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite schema, version 3: `dicom_instance` (see the PostgreSQL migration). Same columns and
 * indexes; uuids as varchar(36), dates as TypeORM `datetime` text.
 */
export class DicomInstanceSqlite1766000000000 implements MigrationInterface {
  readonly name = 'DicomInstanceSqlite1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dicom_instance (
      sop_instance_uid varchar(64) PRIMARY KEY NOT NULL,
      study_instance_uid varchar(64) NOT NULL,
      series_instance_uid varchar(64) NOT NULL,
      sop_class_uid varchar(64) NOT NULL,
      transfer_syntax_uid varchar(64) NOT NULL,
      modality varchar(16),
      series_number integer,
      instance_number integer,
      patient_id text,
      issuer_of_patient_id text,
      patient_name text,
      patient_resource_id varchar(64),
      study_date varchar(8),
      study_time varchar(16),
      accession_number text,
      study_description text,
      record_id varchar(64) NOT NULL,
      version_id integer NOT NULL,
      message_id varchar(36) NOT NULL,
      cid varchar(128) NOT NULL,
      size_bytes bigint NOT NULL,
      plaintext_bytes bigint NOT NULL,
      content_hash char(64) NOT NULL,
      data_key_id varchar(36) NOT NULL,
      metadata text NOT NULL,
      stored_at datetime NOT NULL
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

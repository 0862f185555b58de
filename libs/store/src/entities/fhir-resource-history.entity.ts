import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every version of every FHIR resource, current one included (for vread and _history). */
@Entity({ name: 'fhir_resource_history' })
@Index('fhir_resource_history_message_id_idx', ['messageId'])
export class FhirResourceHistoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @PrimaryColumn({ name: 'version_id', type: 'integer' })
  versionId!: number;

  @Column({ name: 'last_updated', type: Date })
  lastUpdated!: Date;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;
}

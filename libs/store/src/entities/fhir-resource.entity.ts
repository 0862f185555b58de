import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The current version of each FHIR resource. */
@Entity({ name: 'fhir_resource' })
export class FhirResourceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'version_id', type: 'integer' })
  versionId!: number;

  @Column({ name: 'last_updated', type: Date })
  lastUpdated!: Date;

  /** The resource JSON, meta.versionId/lastUpdated included (text: stored and served whole). */
  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;
}

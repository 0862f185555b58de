import { Entity, Index, PrimaryColumn } from 'typeorm';

/** Reference search index of current versions (e.g. `patient` → `Patient/<id>`). */
@Entity({ name: 'fhir_search_reference' })
@Index('fhir_search_reference_lookup_idx', ['type', 'param', 'targetType', 'targetId'])
export class FhirSearchReferenceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  param!: string;

  @PrimaryColumn({ name: 'target_type', type: 'varchar', length: 64 })
  targetType!: string;

  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 64 })
  targetId!: string;
}

import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Token search index of current versions (e.g. `identifier`). `system` is '' when absent,
 * so `|value` searches and the primary key need no NULL handling.
 */
@Entity({ name: 'fhir_search_token' })
@Index('fhir_search_token_lookup_idx', ['type', 'param', 'value', 'system'])
export class FhirSearchTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  param!: string;

  @PrimaryColumn({ type: 'text' })
  system!: string;

  @PrimaryColumn({ type: 'text' })
  value!: string;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Per-subject data keys (envelope encryption): the data key wrapped by a KEK. Destroying a
 * subject's keys (wrapped_key NULL, destroyed_at set) crypto-shreds every ciphertext under
 * them. `wrapped_key` (bytea/blob) is left out of the entity, like message.raw: it is read
 * and written only through DataKeyRepository.
 */
@Entity({ name: 'data_key' })
@Index('data_key_active_subject_idx', ['subjectKey'], { unique: true, where: 'destroyed_at IS NULL' })
@Index('data_key_active_kek_idx', ['kekId'], { where: 'destroyed_at IS NULL' })
export class DataKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'subject_key', type: 'varchar', length: 64 })
  subjectKey!: string;

  @Column({ name: 'kek_id', type: 'varchar', length: 64 })
  kekId!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'destroyed_at', type: Date, nullable: true })
  destroyedAt!: Date | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One patient erasure and what it did (counts only: no PHI). */
@Entity({ name: 'erasure' })
@Index('erasure_subject_key_idx', ['subjectKey'])
export class ErasureEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'subject_key', type: 'varchar', length: 64 })
  subjectKey!: string;

  @Column({ name: 'erased_at', type: Date })
  erasedAt!: Date;

  @Column({ name: 'data_keys_destroyed', type: 'integer' })
  dataKeysDestroyed!: number;

  @Column({ name: 'resources_deleted', type: 'integer' })
  resourcesDeleted!: number;

  @Column({ name: 'contents_unpinned', type: 'integer' })
  contentsUnpinned!: number;

  @Column({ name: 'messages_redacted', type: 'integer' })
  messagesRedacted!: number;

  @Column({ name: 'ledger_tx', type: 'varchar', length: 80, nullable: true })
  ledgerTx!: string | null;
}

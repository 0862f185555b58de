import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One protected FHIR resource version: where its ciphertext is (CID), its content hash and
 * keyed hash (the Merkle leaf), and, once batched, its batch, leaf index and Merkle proof.
 * Holds no PHI, so it stays after an erasure. `proof` (bytea/blob) is left out of the entity,
 * like message.raw: ProtectionRepository reads and writes it.
 */
@Entity({ name: 'protected_record' })
@Index('protected_record_message_id_idx', ['messageId'])
@Index('protected_record_subject_key_idx', ['subjectKey'])
@Index('protected_record_unbatched_idx', ['createdAt', 'type', 'id', 'versionId'], { where: 'batch_id IS NULL' })
@Index('protected_record_batch_id_idx', ['batchId'])
export class ProtectedRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @PrimaryColumn({ name: 'version_id', type: 'integer' })
  versionId!: number;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ name: 'subject_key', type: 'varchar', length: 64 })
  subjectKey!: string;

  @Column({ name: 'data_key_id', type: 'uuid' })
  dataKeyId!: string;

  @Column({ type: 'varchar', length: 128 })
  cid!: string;

  @Column({ name: 'content_hash', type: 'character', length: 64 })
  contentHash!: string;

  @Column({ name: 'keyed_hash', type: 'character', length: 64 })
  keyedHash!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ name: 'content_offset', type: 'integer', default: 0 })
  contentOffset!: number;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId!: string | null;

  @Column({ name: 'leaf_index', type: 'integer', nullable: true })
  leafIndex!: number | null;
}

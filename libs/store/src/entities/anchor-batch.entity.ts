import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A Merkle batch of protected records' keyed hashes: pending until its root is on a ledger. */
@Entity({ name: 'anchor_batch' })
@Index('anchor_batch_status_created_at_idx', ['status', 'createdAt'])
@Index('anchor_batch_created_at_idx', ['createdAt'])
export class AnchorBatchEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'character', length: 64 })
  root!: string;

  @Column({ name: 'leaf_count', type: 'integer' })
  leafCount!: number;

  /** `pending` | `anchored`. */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 16 })
  ledger!: string;

  @Column({ name: 'tx_hash', type: 'varchar', length: 80, nullable: true })
  txHash!: string | null;

  @Column({ name: 'block_number', type: 'bigint', nullable: true })
  blockNumber!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'anchored_at', type: Date, nullable: true })
  anchoredAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** An error code, never a message (no PHI, no free text). */
  @Column({ name: 'last_error', type: 'varchar', length: 64, nullable: true })
  lastError!: string | null;
}

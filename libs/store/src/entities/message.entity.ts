import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The message store: every message the engine acknowledged, raw bytes included.
 * Hot paths use parameterised SQL (see the repositories); the entity documents the table and
 * lets TypeORM read it. Types are given in forms both drivers map (`Date`, `uuid`); the
 * migrations create uuid/timestamptz/bytea on PostgreSQL and varchar/datetime/blob on SQLite.
 * The `raw` column (bytea/blob) is left out: no column type means "bytes" to both drivers,
 * and raw bytes are read only through MessageRepository.
 */
@Entity({ name: 'message' })
@Index('message_status_received_at_idx', ['status', 'receivedAt'])
export class MessageEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'received_at', type: Date })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  channel!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ name: 'control_id', type: 'text', nullable: true })
  controlId!: string | null;

  @Column({ name: 'message_type', type: 'text', nullable: true })
  messageType!: string | null;

  @Column({ name: 'sending_facility', type: 'text', nullable: true })
  sendingFacility!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** OperationOutcome JSON (text: written and read whole, never queried inside). */
  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'resource_count', type: 'integer', default: 0 })
  resourceCount!: number;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;

  /** Set when a patient erasure redacted the raw bytes (raw is then empty). */
  @Column({ name: 'erased_at', type: Date, nullable: true })
  erasedAt!: Date | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The embedded ledger: an append-only, hash-chained, signed log (anchors, consents, erasures). */
@Entity({ name: 'ledger_entry' })
@Index('ledger_entry_kind_key_idx', ['kind', 'entryKey'], { unique: true })
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'entry_key', type: 'varchar', length: 80 })
  entryKey!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'prev_hash', type: 'character', length: 64 })
  prevHash!: string;

  @Column({ name: 'entry_hash', type: 'character', length: 64 })
  entryHash!: string;

  @Column({ type: 'text' })
  signature!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}

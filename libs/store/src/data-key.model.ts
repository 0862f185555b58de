/** A per-subject data key, wrapped by a key-encryption key (KEK). */
export interface DataKeyRow {
  id: string;
  /** The patient's keyed subject identifier (no PHI). */
  subjectKey: string;
  /** Which KEK wrapped it. */
  kekId: string;
  /** The wrapped data key; null once destroyed (crypto-shredded). */
  wrappedKey: Buffer | null;
  createdAt: Date;
  destroyedAt?: Date;
}

/** A data key to store: see {@link DataKeyRow}. */
export interface NewDataKey {
  id: string;
  subjectKey: string;
  kekId: string;
  wrappedKey: Buffer;
  createdAt: Date;
}

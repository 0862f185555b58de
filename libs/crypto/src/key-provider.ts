/** A data key wrapped (encrypted) under a key-encryption key (KEK). */
export interface WrappedKey {
  /** Id of the KEK that wrapped it. */
  kekId: string;
  /** nonce (12) | GCM tag (16) | encrypted data key. */
  wrapped: Buffer;
}

/**
 * Where key-encryption keys live: a local keyring file now, a KMS or Vault later. Data keys
 * never leave the engine unwrapped; KEKs never leave the provider.
 */
export interface KeyProvider {
  /** Id of the KEK new wraps use. */
  currentKekId(): string;
  /** Wraps a data key under the current KEK; `context` (e.g. the data key id) is bound as AAD. */
  wrapKey(dataKey: Buffer, context: string): Promise<WrappedKey>;
  /** Unwraps with the KEK named in `w.kekId` (old KEKs stay usable after rotation). Throws KeyUnavailableError. */
  unwrapKey(w: WrappedKey, context: string): Promise<Buffer>;
  /** Creates a new KEK and makes it current; returns its id. Old KEKs are kept for unwrapping. */
  rotate(): Promise<string>;
}

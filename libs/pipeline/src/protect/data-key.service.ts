import { HieError, uuidv7 } from '@hie/common';
import { generateDataKey, type KeyProvider } from '@hie/crypto';
import type { DataKeyStorePort } from './protect.ports.js';

/** The data key of a patient was destroyed by an erasure: what it encrypted is gone for good. */
export class DataKeyDestroyedError extends HieError {
  constructor() {
    super('DATA_KEY_DESTROYED', 'The data key was destroyed (patient erased)');
  }
}

/** A data key ready to use. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** Options of {@link DataKeyService}. */
export interface DataKeyServiceOptions {
  /**
   * How long a subject's key stays cached for encryption. An erasure in another process is seen
   * by this one at the latest after this long (until then, new versions of that patient could
   * still be sealed under the destroyed key).
   */
  readonly subjectCacheMillis?: number;
  readonly now?: () => number;
}

/**
 * Per-patient data keys: created on first use, kept wrapped by the key provider's KEK in the
 * database (never in plain), unwrapped into a small cache. Rotation re-wraps every data key
 * under a new KEK without touching any ciphertext.
 */
export class DataKeyService {
  private readonly bySubject = new Map<string, { key: DataKey; until: number }>();
  private readonly byId = new Map<string, Buffer>();
  private readonly subjectCacheMillis: number;
  private readonly now: () => number;

  constructor(
    private readonly store: DataKeyStorePort,
    private readonly provider: KeyProvider,
    options: DataKeyServiceOptions = {},
  ) {
    this.subjectCacheMillis = options.subjectCacheMillis ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The active data key of a subject, created (and wrapped) on first use. */
  async forSubject(subjectKey: string): Promise<DataKey> {
    return (await this.forSubjects([subjectKey])).get(subjectKey)!;
  }

  /**
   * The active keys of many subjects (a protect job's), created where missing: two queries
   * however many patients the job holds.
   */
  async forSubjects(subjectKeys: readonly string[]): Promise<Map<string, DataKey>> {
    const keys = new Map<string, DataKey>();
    const missing: string[] = [];
    for (const subjectKey of new Set(subjectKeys)) {
      const cached = this.bySubject.get(subjectKey);
      if (cached && cached.until > this.now()) keys.set(subjectKey, cached.key);
      else missing.push(subjectKey);
    }
    if (missing.length === 0) return keys;
    const rows = await this.store.findActiveMany(missing);
    const found = new Set(rows.map((r) => r.subjectKey));
    const fresh: { id: string; subjectKey: string; kekId: string; wrappedKey: Buffer; createdAt: Date }[] = [];
    for (const subjectKey of missing) {
      if (found.has(subjectKey)) continue;
      const id = uuidv7();
      const wrapped = await this.provider.wrapKey(generateDataKey(), id);
      fresh.push({ id, subjectKey, kekId: wrapped.kekId, wrappedKey: wrapped.wrapped, createdAt: new Date(this.now()) });
    }
    // Racing workers: the store keeps one key per subject and returns the winners to both.
    if (fresh.length > 0) rows.push(...(await this.store.insertManyIfAbsent(fresh)).filter((r) => !found.has(r.subjectKey)));
    for (const row of rows) {
      const key = { id: row.id, key: await this.unwrap(row.id, row.kekId, row.wrappedKey) };
      this.remember(row.subjectKey, key);
      keys.set(row.subjectKey, key);
    }
    return keys;
  }

  /**
   * A data key by id, for decryption. `fresh` reads the database (verify must see an erasure
   * made by another process at once).
   */
  async byKeyId(id: string, options: { fresh?: boolean } = {}): Promise<Buffer> {
    if (!options.fresh) {
      const cached = this.byId.get(id);
      if (cached) return cached;
    }
    const row = await this.store.findById(id);
    if (!row || row.wrappedKey === null) {
      this.byId.delete(id);
      throw new DataKeyDestroyedError();
    }
    const key = await this.unwrap(row.id, row.kekId, row.wrappedKey);
    this.byId.set(id, key);
    return key;
  }

  /** Crypto-shredding: destroys every data key of a subject. Returns how many. */
  async destroy(subjectKey: string, at: Date): Promise<number> {
    const count = await this.store.destroySubject(subjectKey, at);
    const cached = this.bySubject.get(subjectKey);
    if (cached) this.byId.delete(cached.key.id);
    this.bySubject.delete(subjectKey);
    this.byId.clear();
    return count;
  }

  /** New KEK, then every active data key re-wrapped under it (ciphertexts untouched). */
  async rotate(pageSize = 500): Promise<{ kekId: string; rewrapped: number }> {
    const kekId = await this.provider.rotate();
    let rewrapped = 0;
    for (;;) {
      const page = await this.store.listNotUnderKek(kekId, pageSize);
      if (page.length === 0) return { kekId, rewrapped };
      let changed = 0;
      for (const row of page) {
        if (row.wrappedKey === null) continue;
        const key = await this.provider.unwrapKey({ kekId: row.kekId, wrapped: row.wrappedKey }, row.id);
        const wrapped = await this.provider.wrapKey(key, row.id);
        if (await this.store.rewrap(row.id, row.kekId, wrapped.kekId, wrapped.wrapped)) changed++;
      }
      rewrapped += changed;
      // A page where nothing could change (raced with another rotation): stop rather than spin.
      if (changed === 0) return { kekId, rewrapped };
    }
  }

  private async unwrap(id: string, kekId: string, wrapped: Buffer | null): Promise<Buffer> {
    if (wrapped === null) throw new DataKeyDestroyedError();
    const cached = this.byId.get(id);
    if (cached) return cached;
    const key = await this.provider.unwrapKey({ kekId, wrapped }, id);
    this.byId.set(id, key);
    return key;
  }

  private remember(subjectKey: string, key: DataKey): void {
    // Bounded: one entry per patient seen recently is plenty; drop the oldest beyond that.
    if (this.bySubject.size >= 50_000) this.bySubject.delete(this.bySubject.keys().next().value!);
    if (this.byId.size >= 100_000) this.byId.delete(this.byId.keys().next().value!);
    this.bySubject.set(subjectKey, { key, until: this.now() + this.subjectCacheMillis });
  }
}

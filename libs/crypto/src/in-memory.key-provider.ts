import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@hie/common';
import { KeyUnavailableError } from './crypto.errors.js';
import { KEY_BYTES, unwrapWithKek, wrapWithKek } from './kek.wrap.js';
import type { KeyProvider, WrappedKey } from './key-provider.js';

/**
 * A KeyProvider whose KEKs live only in memory: same wrap format and contract as the
 * keyring, for unit tests of other libs. Nothing persists, so never use it for real data.
 */
export class InMemoryKeyProvider implements KeyProvider {
  private readonly keks = new Map<string, Buffer>();
  private current: string;

  constructor() {
    this.current = this.addKek();
  }

  currentKekId(): string {
    return this.current;
  }

  async wrapKey(dataKey: Buffer, context: string): Promise<WrappedKey> {
    return wrapWithKek(this.keks.get(this.current)!, this.current, dataKey, context);
  }

  async unwrapKey(w: WrappedKey, context: string): Promise<Buffer> {
    const kek = this.keks.get(w.kekId);
    if (!kek) throw new KeyUnavailableError(w.kekId, 'unknown-kek');
    return unwrapWithKek(kek, w, context);
  }

  async rotate(): Promise<string> {
    this.current = this.addKek();
    return this.current;
  }

  private addKek(): string {
    const id = uuidv7();
    this.keks.set(id, randomBytes(KEY_BYTES));
    return id;
  }
}

import { randomBytes, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { uuidv7 } from '@hie/common';
import { KeyringError, KeyUnavailableError } from './crypto.errors.js';
import { KEY_BYTES, unwrapWithKek, wrapWithKek } from './kek.wrap.js';
import type { KeyProvider, WrappedKey } from './key-provider.js';
import { newKeyringState, parseKeyring, serializeKeyring, type KeyringState } from './keyring-file.js';
import { createSecretFileOnce, readSecretFile, replaceSecretFile, withFileLock } from './secret-file.js';

/**
 * The embedded key provider: KEKs, the deployment hash key and the ledger signing key in one
 * owner-only JSON file, created on first start. Several engine processes may share the file:
 * creation is first-writer-wins, rotation is locked and atomic, and a process that meets a
 * KEK it does not know re-reads the file once (another process may have rotated).
 */
export class LocalKeyring implements KeyProvider {
  private reloading: Promise<void> | undefined;
  private rotating: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private state: KeyringState,
  ) {}

  /** Opens the keyring at `file`, creating it (and its directory) on first start. */
  static async open(file: string): Promise<LocalKeyring> {
    const path = resolve(file);
    let text = await readSecretFile(path);
    if (text === undefined) {
      // Losing the creation race is fine: the re-read below returns the winner's keyring.
      await createSecretFileOnce(path, serializeKeyring(newKeyringState()));
      text = await readSecretFile(path);
      if (text === undefined) throw new KeyringError('KEYRING_INVALID', path, 'disappeared right after it was created');
    }
    return new LocalKeyring(path, parseKeyring(path, text));
  }

  /** The deployment hash key (32 bytes) for {@link RecordHasher}; a copy. */
  hashKey(): Buffer {
    return Buffer.from(this.state.hashKey);
  }

  /** The Ed25519 key pair the embedded ledger signs its blocks with. */
  ledgerSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
    return { privateKey: this.state.ledgerKey.privateKey, publicKey: this.state.ledgerKey.publicKey };
  }

  currentKekId(): string {
    return this.state.currentKek;
  }

  async wrapKey(dataKey: Buffer, context: string): Promise<WrappedKey> {
    const id = this.state.currentKek;
    return wrapWithKek(this.state.keks.get(id)!.key, id, dataKey, context);
  }

  async unwrapKey(w: WrappedKey, context: string): Promise<Buffer> {
    let kek = this.state.keks.get(w.kekId);
    if (!kek) {
      await this.reload();
      kek = this.state.keks.get(w.kekId);
      if (!kek) throw new KeyUnavailableError(w.kekId, 'unknown-kek');
    }
    return unwrapWithKek(kek.key, w, context);
  }

  async rotate(): Promise<string> {
    // Chained in-process, locked across processes (see withFileLock).
    const run = this.rotating.then(() => withFileLock(this.file, () => this.rotateLocked()));
    this.rotating = run.catch(() => undefined);
    return run;
  }

  private async rotateLocked(): Promise<string> {
    // Start from the file, not from memory: another process may have rotated since we read it.
    const merged = this.merge(await this.readState());
    const id = uuidv7();
    merged.keks.set(id, { key: randomBytes(KEY_BYTES), createdAt: new Date().toISOString() });
    merged.currentKek = id;
    await replaceSecretFile(this.file, serializeKeyring(merged));
    this.state = merged;
    return id;
  }

  /** Re-reads the file (concurrent callers share one read) and adopts its KEKs and current KEK. */
  private async reload(): Promise<void> {
    this.reloading ??= this.readState()
      .then((fromFile) => {
        this.state = this.merge(fromFile);
      })
      .finally(() => {
        this.reloading = undefined;
      });
    return this.reloading;
  }

  private async readState(): Promise<KeyringState> {
    const text = await readSecretFile(this.file);
    if (text === undefined) throw new KeyringError('KEYRING_INVALID', this.file, 'was deleted while the engine was using it');
    return parseKeyring(this.file, text);
  }

  /**
   * The file's state plus any KEK only we still hold (so a rewrite never drops a KEK that
   * wrapped data). A file with another hash key, ledger key, or different bytes under a
   * known KEK id is another keyring, not a newer version of ours: refused.
   */
  private merge(fromFile: KeyringState): KeyringState {
    const replaced = (what: string): KeyringError =>
      new KeyringError('KEYRING_INVALID', this.file, `${what} changed while the engine was running; the file was replaced by another keyring`);
    if (!fromFile.hashKey.equals(this.state.hashKey)) throw replaced('the hash key');
    if (!fromFile.ledgerKey.privateDer.equals(this.state.ledgerKey.privateDer)) throw replaced('the ledger key');
    for (const [id, kek] of this.state.keks) {
      const other = fromFile.keks.get(id);
      if (!other) fromFile.keks.set(id, kek);
      else if (!other.key.equals(kek.key)) throw replaced(`KEK ${id}`);
    }
    return fromFile;
  }
}

import type { HieConfig } from '@hie/config';
import { LocalKeyring } from '@hie/crypto';
import { EmbeddedLedger } from '@hie/ledger';
import { DataKeyRepository, LedgerEntryRepository, type DataSource } from '@hie/store';
import { DataKeyService } from './data-key.service.js';

/**
 * `hie keys rotate`: a new key-encryption key in the keyring, then every data key re-wrapped
 * under it. No ciphertext is touched: rotation costs one unwrap and wrap per patient.
 */
export async function rotateKeys(config: HieConfig['protect'], dataSource: DataSource): Promise<{ kekId: string; rewrapped: number }> {
  const keyring = await LocalKeyring.open(config.keyringFile);
  return new DataKeyService(new DataKeyRepository(dataSource), keyring).rotate();
}

/** `hie ledger check`: walks the embedded ledger, re-computing every hash link and signature. */
export async function checkEmbeddedLedger(
  config: HieConfig['protect'],
  dataSource: DataSource,
): Promise<{ ok: true; entries: number } | { ok: false; seq: number; reason: string }> {
  const keyring = await LocalKeyring.open(config.keyringFile);
  return new EmbeddedLedger(new LedgerEntryRepository(dataSource), keyring.ledgerSigningKey()).verifyChain();
}

import type { HieConfig } from '@hie/config';
import { LocalKeyring, RecordHasher } from '@hie/crypto';
import { EmbeddedLedger, EvmLedger, type Ledger } from '@hie/ledger';
import { createContentStore, type ContentStore } from '@hie/storage';
import { DataKeyRepository, ErasureRepository, FhirRepository, LedgerEntryRepository, ProtectionRepository, type DataSource } from '@hie/store';
import { silentLogger, type PipelineLogger } from '../pipeline.ports.js';
import { AnchorBatcher } from './anchor.batcher.js';
import { DataKeyService } from './data-key.service.js';
import { PatientEraser } from './patient.eraser.js';
import { ProtectionWorker } from './protection.worker.js';
import { RecordVerifier } from './record.verifier.js';

/** Everything the protect-and-anchor stages need, opened from the configuration. */
export interface ProtectionStack {
  readonly keyring: LocalKeyring;
  readonly hasher: RecordHasher;
  readonly dataKeys: DataKeyService;
  readonly contents: ContentStore;
  readonly ledger: Ledger;
  readonly records: ProtectionRepository;
  readonly worker: ProtectionWorker;
  readonly batcher: AnchorBatcher;
  readonly verifier: RecordVerifier;
  readonly eraser: PatientEraser;
  /** Stops the batcher and closes the content store and ledger (not the database). */
  close(): Promise<void>;
}

/**
 * Opens the keyring (created on first start), the content store and the ledger the
 * configuration names, on an already opened database, and wires the stages. Shared by the
 * engine and the CLI (`hie verify`, `hie keys rotate`, `hie patient erase`).
 */
export async function openProtectionStack(
  config: HieConfig['protect'],
  dataSource: DataSource,
  logger: PipelineLogger = silentLogger,
): Promise<ProtectionStack> {
  const keyring = await LocalKeyring.open(config.keyringFile);
  const hasher = new RecordHasher(keyring.hashKey());
  const dataKeys = new DataKeyService(new DataKeyRepository(dataSource), keyring);
  const contents = await createContentStore(config.storage);
  let ledger: Ledger;
  try {
    ledger =
      config.ledger.kind === 'embedded'
        ? new EmbeddedLedger(new LedgerEntryRepository(dataSource), keyring.ledgerSigningKey())
        : await EvmLedger.connect({ rpcUrl: config.ledger.rpcUrl, privateKey: config.ledger.privateKey, contractAddress: config.ledger.contractAddress });
  } catch (error) {
    await contents.close();
    throw error;
  }
  const records = new ProtectionRepository(dataSource);
  const fhir = new FhirRepository(dataSource);
  const worker = new ProtectionWorker(records, dataKeys, contents, hasher, logger);
  const batcher = new AnchorBatcher(records, ledger, config.anchor, logger);
  const verifier = new RecordVerifier({
    records,
    resources: { vread: (type, id, versionId) => fhir.vread(type, id, versionId) as Promise<Record<string, unknown> | undefined> },
    contents,
    keys: dataKeys,
    ledger,
    hasher,
  });
  const eraser = new PatientEraser(new ErasureRepository(dataSource), dataKeys, ledger, hasher, logger);
  return {
    keyring,
    hasher,
    dataKeys,
    contents,
    ledger,
    records,
    worker,
    batcher,
    verifier,
    eraser,
    close: async () => {
      await batcher.stop();
      await Promise.allSettled([contents.close(), ledger.close()]);
    },
  };
}

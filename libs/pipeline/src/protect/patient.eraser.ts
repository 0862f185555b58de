import { HieError, NotFoundError, uuidv7 } from '@hie/common';
import type { RecordHasher } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import type { ErasureRow } from '@hie/store';
import { silentLogger, type PipelineLogger } from '../pipeline.ports.js';
import type { DataKeyService } from './data-key.service.js';
import type { ErasureStorePort } from './protect.ports.js';

/** What an erasure did (counts only: the answer is PHI-free). `ledgerTx` absent: the ledger was down. */
export type ErasureReport = Omit<ErasureRow, 'id'> & { erasureId: string };

/**
 * Crypto-shredding of one patient: the data keys go first (from then on every ciphertext of the
 * patient, wherever IPFS copied it, is noise), then the FHIR store rows and the raw bytes of the
 * messages that carried them. The chain keeps only keyed
 * hashes, which say nothing once the data is gone. The erasure itself is recorded in the
 * database and on the ledger, by pseudonym.
 */
export class PatientEraser {
  constructor(
    private readonly store: ErasureStorePort,
    private readonly keys: Pick<DataKeyService, 'destroy'>,
    private readonly ledger: Pick<Ledger, 'recordErasure'>,
    private readonly hasher: RecordHasher,
    private readonly logger: PipelineLogger = silentLogger,
  ) {}

  async erase(patientId: string): Promise<ErasureReport> {
    const subjectKey = this.hasher.pseudonym('Patient', patientId);
    const erasedAt = new Date();
    const erasureId = uuidv7(erasedAt.getTime());
    const dataKeysDestroyed = await this.keys.destroy(subjectKey, erasedAt);
    const { resourcesDeleted, messagesRedacted } = await this.store.eraseSubject({ subjectKey, patientId, at: erasedAt });
    if (dataKeysDestroyed === 0 && resourcesDeleted === 0) throw new NotFoundError(`Patient/${patientId}`);
    // Content objects hold a whole protect job's envelopes, several patients' among them, so
    // none is unpinned: the destroyed key is what turns this patient's envelopes into noise.
    const contentsUnpinned = 0;
    let ledgerTx: string | undefined;
    try {
      ledgerTx = (await this.ledger.recordErasure({ erasureId, subject: subjectKey, at: erasedAt })).txHash;
    } catch (error) {
      this.logger.warn(`erasure ${erasureId} not recorded on the ledger (${error instanceof HieError ? error.code : 'LEDGER_FAILED'})`);
    }
    const report: ErasureReport = {
      erasureId,
      subjectKey,
      erasedAt,
      dataKeysDestroyed,
      resourcesDeleted,
      contentsUnpinned,
      messagesRedacted,
      ...(ledgerTx ? { ledgerTx } : {}),
    };
    const { erasureId: id, ...row } = report;
    await this.store.recordErasure({ id, ...row });
    this.logger.log(`erasure ${erasureId}: ${dataKeysDestroyed} data keys destroyed, ${resourcesDeleted} resources deleted`);
    return report;
  }
}

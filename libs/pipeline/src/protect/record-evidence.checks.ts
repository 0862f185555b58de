import { HieError } from '@hie/common';
import { decodeMerkleProof, verifyMerkleProof } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import type { DataKeyService } from './data-key.service.js';
import type { ProtectedRecordView } from './protect.ports.js';

/**
 * The links of a verification every protected record shares, whatever its content (a FHIR
 * resource version, a DICOM instance): the Merkle proof, the anchor on the ledger, the report's
 * evidence, and how an erased subject is told apart. One copy, so both verifiers judge alike.
 */

/** The checks of a verification, in the order evidence is chained (`content-hash`: DICOM instances). */
export type VerifyCheckName = 'resource-hash' | 'content-hash' | 'ciphertext' | 'decrypted-hash' | 'merkle-proof' | 'anchor';

/** One check: passed or not, and why, in words fit for an operator (no PHI). */
export interface VerifyCheck {
  name: VerifyCheckName;
  ok: boolean;
  detail: string;
}

/** The answer of a verification (RecordVerifier, DicomInstanceVerifier). */
export interface VerifyReport {
  type: string;
  id: string;
  versionId: number;
  /** True only when every check passed. */
  ok: boolean;
  checks: VerifyCheck[];
  cid?: string;
  keyedHash?: string;
  batchId?: string;
  merkleRoot?: string;
  ledger?: string;
  txHash?: string;
  blockNumber?: number;
}

/** The detail of a check that could not read content because the patient was erased. */
export const DATA_KEY_DESTROYED_DETAIL = 'the data key was destroyed (patient erased): the ciphertext can no longer be read';

/** The report of `record` with `checks`: ok only when all passed, with the record's evidence. */
export function verifyReportOf(type: string, id: string, record: ProtectedRecordView, checks: VerifyCheck[]): VerifyReport {
  return {
    type,
    id,
    versionId: record.versionId,
    ok: checks.every((c) => c.ok),
    checks,
    cid: record.cid,
    keyedHash: record.keyedHash,
    ...(record.batch
      ? {
          batchId: record.batch.id,
          merkleRoot: record.batch.root,
          ledger: record.batch.ledger,
          ...(record.batch.txHash ? { txHash: record.batch.txHash } : {}),
          ...(record.batch.blockNumber !== undefined ? { blockNumber: record.batch.blockNumber } : {}),
        }
      : {}),
  };
}

/** Whether the record's data key is gone (an erasure also unpins, so its ciphertext may be gone too). */
export async function dataKeyDestroyed(keys: Pick<DataKeyService, 'byKeyId'>, dataKeyId: string): Promise<boolean> {
  try {
    await keys.byKeyId(dataKeyId, { fresh: true });
    return false;
  } catch (error) {
    return errorCode(error) === 'DATA_KEY_DESTROYED';
  }
}

/** `merkle-proof`: the keyed hash's inclusion proof leads to the batch root, for a tree of the batch's size. */
export function merkleProofCheck(record: ProtectedRecordView): VerifyCheck {
  const name = 'merkle-proof';
  if (!record.batch || !record.proof) return { name, ok: false, detail: 'not yet in an anchoring batch' };
  try {
    const proof = decodeMerkleProof(record.proof);
    // A proof does not fix the tree's size by itself: the size anchored with the root does.
    if (proof.treeSize !== record.batch.leafCount) {
      return { name, ok: false, detail: `the proof is for a tree of ${proof.treeSize} leaves, the batch has ${record.batch.leafCount}` };
    }
    const ok = verifyMerkleProof(Buffer.from(record.keyedHash, 'hex'), proof, Buffer.from(record.batch.root, 'hex'));
    return ok
      ? { name, ok, detail: `leaf ${proof.leafIndex} of ${proof.treeSize} under root ${record.batch.root}` }
      : { name, ok, detail: `the inclusion proof does not lead to the batch root ${record.batch.root}` };
  } catch (error) {
    return { name, ok: false, detail: `the stored inclusion proof is unreadable (${errorCode(error)})` };
  }
}

/** `anchor`: the ledger holds the batch's root and leaf count (the embedded entry's hash and signature hold). */
export async function anchorCheck(ledger: Pick<Ledger, 'findAnchor'>, record: ProtectedRecordView): Promise<VerifyCheck> {
  const name = 'anchor';
  if (!record.batch) return { name, ok: false, detail: 'not yet in an anchoring batch' };
  let anchored;
  try {
    anchored = await ledger.findAnchor(record.batch.id);
  } catch (error) {
    const code = errorCode(error);
    return {
      name,
      ok: false,
      detail: code === 'LEDGER_INTEGRITY' ? 'the ledger entry of the batch was altered (hash or signature does not match)' : `the ledger could not be read (${code})`,
    };
  }
  if (!anchored) {
    return { name, ok: false, detail: record.batch.status === 'pending' ? 'the batch is waiting to be anchored' : 'the ledger has no entry for the batch' };
  }
  if (anchored.root !== record.batch.root) {
    return { name, ok: false, detail: `the ledger holds root ${anchored.root}, not the batch's ${record.batch.root}` };
  }
  if (anchored.leafCount !== record.batch.leafCount) {
    return { name, ok: false, detail: `the ledger holds ${anchored.leafCount} leaves under the root, the batch ${record.batch.leafCount}` };
  }
  return { name, ok: true, detail: `root on ${record.batch.ledger} ledger: transaction ${anchored.txHash}, block ${anchored.blockNumber}` };
}

/** A failure's code for a report: the domain code, else the error's name (never its message, which may hold values). */
export function errorCode(error: unknown): string {
  return error instanceof HieError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
}

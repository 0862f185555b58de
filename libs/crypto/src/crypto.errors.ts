import { HieError } from '@hie/common';

/**
 * An envelope could not be opened (or read): too short, unknown format, wrong key, wrong
 * AAD, or tampered. Deliberately one code and one message for every cause: telling a caller
 * WHICH check failed helps an attacker probing ciphertexts, and the message never carries data.
 */
export class EnvelopeError extends HieError {
  constructor(reason = 'Envelope cannot be opened') {
    super('ENVELOPE_INVALID', reason);
  }
}

/**
 * Key material handed to this lib has the wrong shape (length, id format). A programming or
 * configuration fault, never a data fault; the message names the parameter, not its value.
 */
export class KeyMaterialError extends HieError {
  constructor(parameter: string, expectation: string) {
    super('KEY_MATERIAL_INVALID', `${parameter}: ${expectation}`, { parameter });
  }
}

/** Why a keyring file was refused. */
export type KeyringErrorCode = 'KEYRING_INSECURE' | 'KEYRING_INVALID' | 'KEYRING_BUSY';

/**
 * The keyring file cannot be used. `details.file` names it; the message says how to fix it.
 * Never contains key material (not even a fragment of the file: JSON parse errors quote input).
 */
export class KeyringError extends HieError {
  constructor(code: KeyringErrorCode, file: string, reason: string) {
    super(code, `Keyring ${file}: ${reason}`, { file });
  }
}

/**
 * A data key cannot be unwrapped: its KEK is unknown (even after re-reading the keyring),
 * or the wrapped bytes / context do not authenticate. `details.kekId` names the KEK.
 */
export class KeyUnavailableError extends HieError {
  constructor(kekId: string, reason: 'unknown-kek' | 'unwrap-failed') {
    super(
      'KEY_UNAVAILABLE',
      reason === 'unknown-kek' ? `Key-encryption key ${kekId} is not in the keyring` : `Data key does not unwrap under ${kekId}`,
      { kekId, reason },
    );
  }
}

/** A stored Merkle inclusion proof is not a well-formed encoding. */
export class MerkleProofError extends HieError {
  constructor(reason: string) {
    super('MERKLE_PROOF_INVALID', `Merkle proof: ${reason}`);
  }
}

/** A Merkle tree cannot be built from the given leaves (none, or more than a proof can encode). */
export class MerkleTreeError extends HieError {
  constructor(reason: string) {
    super('MERKLE_TREE_INVALID', `Merkle tree: ${reason}`);
  }
}

import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '@hie/common';
import { canonicalJson } from '@hie/fhir';
import { KeyMaterialError } from './crypto.errors.js';

/** UTF-8 bytes of the RFC 8785 canonical form: the exact bytes the engine hashes and encrypts. */
export function canonicalBytes(resource: unknown): Buffer {
  return Buffer.from(canonicalJson(resource), 'utf8');
}

/** Plain SHA-256. */
export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Keyed hashes with the deployment's hash key. Every hash that leaves the engine (chain,
 * shared indexes) goes through here: a plain SHA-256 of a small FHIR resource could be
 * confirmed by anyone who guesses its content; an HMAC cannot without the key.
 */
export class RecordHasher {
  private readonly key: KeyObject;

  constructor(hashKey: Buffer) {
    if (hashKey.length < 32) throw new KeyMaterialError('hashKey', 'must be at least 32 bytes');
    // A KeyObject is imported once, instead of on every HMAC; it also copies the bytes,
    // so a caller wiping its buffer later does not change our hashes.
    this.key = createSecretKey(hashKey);
  }

  /** HMAC-SHA256(hashKey, canonical): the record hash anchored on the chain. */
  keyedHash(canonical: Uint8Array): Buffer {
    return createHmac('sha256', this.key).update(canonical).digest();
  }

  /**
   * A stable, PHI-free name for a subject (e.g. `pseudonym('Patient', id)`): 64 lowercase hex
   * chars of HMAC-SHA256(hashKey, `${kind}\0${value}`). Cannot collide with {@link keyedHash}
   * of canonical JSON, which never contains a raw NUL.
   */
  pseudonym(kind: string, value: string): string {
    // A NUL in `kind` would make ('a\0b','c') and ('a','b\0c') the same input.
    if (kind.includes('\u0000')) throw new InvalidInputError('PSEUDONYM_KIND_INVALID', 'Pseudonym kind must not contain NUL');
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`, 'utf8').digest('hex');
  }
}

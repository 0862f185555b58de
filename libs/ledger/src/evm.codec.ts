import type { Hex32 } from './ledger.port.js';

/*
 * Our ids and hashes as the contract's bytes32 words. A uuid's 16 bytes go left-aligned (as a
 * Solidity bytes16 widened to bytes32 would), so the word still reads as the uuid on a block
 * explorer. Consent periods are Unix milliseconds (uint64), 0 meaning open-ended.
 */

export const uuidToWord = (uuid: string): string => `0x${uuid.replace(/-/g, '')}${'0'.repeat(32)}`;

export const hex32ToWord = (value: Hex32): string => `0x${value}`;

export const wordToHex32 = (word: string): Hex32 => word.slice(2).toLowerCase();

export const CONSENT_STATUS = { active: 1, revoked: 2 } as const;

export function consentStatusOf(code: number): 'active' | 'revoked' | undefined {
  return code === CONSENT_STATUS.active ? 'active' : code === CONSENT_STATUS.revoked ? 'revoked' : undefined;
}

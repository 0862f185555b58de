import { HieError, InvalidInputError } from '@hie/common';
import { isError, type ErrorDescription } from 'ethers';
import { hieLedgerInterface } from './hie-ledger.artifact.js';
import { LedgerConflictError, LedgerIntegrityError, LedgerUnavailableError } from './ledger.errors.js';

/** Hex revert data carried somewhere in an ethers / JSON-RPC error (nodes nest it differently). */
function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): string | undefined => {
    if (depth > 5 || typeof value !== 'object' || value === null || seen.has(value)) return undefined;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.data === 'string' && /^0x[0-9a-fA-F]{8}/.test(record.data)) return record.data;
    for (const key of ['data', 'error', 'info', 'cause']) {
      const found = visit(record[key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

/** The contract's custom error in a failed call or send (e.g. BatchExists), if it is one. */
export function contractRevert(error: unknown): ErrorDescription | undefined {
  const data = revertData(error);
  if (!data) return undefined;
  try {
    return hieLedgerInterface.parseError(data) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * What an EVM failure means for the pipeline. Anything that a retry later can fix (node down,
 * timeouts, nonce races, signer not yet a writer or out of funds) is LedgerUnavailableError,
 * so the batch stays pending; a contract rejection of the content is a conflict or bad input;
 * answers that make no sense for our contract are integrity errors. Errors without a code
 * (programming errors) pass unchanged. Details carry no PHI.
 */
export function toLedgerError(error: unknown, operation: string): Error {
  if (error instanceof HieError) return error;
  // A bug of ours (TypeError...) must surface as itself, not as a retryable unavailability:
  // ethers errors and Node's network errors all carry a string code.
  if (!(error instanceof Error)) return new Error(`ledger ${operation}: ${String(error)}`);
  if (typeof (error as { code?: unknown }).code !== 'string') return error;
  const revert = contractRevert(error);
  if (revert) {
    switch (revert.name) {
      case 'NotWriter':
      case 'NotOwner':
        return new LedgerUnavailableError(`ledger ${operation}: the signing account is not authorised on the contract (${revert.name})`, {
          operation,
          reason: 'not-authorised',
        }, { cause: error });
      case 'BatchExists':
      case 'ErasureExists':
      case 'ConsentMismatch':
        return new LedgerConflictError(`ledger ${operation}: ${revert.name}`, { operation, revert: revert.name });
      default:
        return new InvalidInputError('LEDGER_INVALID_INPUT', `ledger ${operation}: contract refused the input (${revert.name})`, {
          operation,
          revert: revert.name,
        });
    }
  }
  const unavailable = (reason: string, message: string): LedgerUnavailableError =>
    new LedgerUnavailableError(`ledger ${operation}: ${message}`, { operation, reason }, { cause: error });
  if (isError(error, 'INSUFFICIENT_FUNDS')) return unavailable('insufficient-funds', 'the signing account cannot pay for gas');
  if (isError(error, 'NONCE_EXPIRED') || isError(error, 'REPLACEMENT_UNDERPRICED') || isError(error, 'TRANSACTION_REPLACED')) {
    return unavailable('nonce', 'transaction nonce was taken');
  }
  if (isError(error, 'TIMEOUT')) return unavailable('timeout', 'the node did not answer in time');
  if (isError(error, 'BAD_DATA')) {
    return new LedgerIntegrityError(`ledger ${operation}: the node's answer does not fit the contract (wrong address or contract?)`, {
      operation,
    });
  }
  if (isError(error, 'CALL_EXCEPTION')) return unavailable('reverted', 'the transaction reverted without a known reason');
  // Refused connections, resets, DNS, HTTP 5xx, unknown JSON-RPC errors: the node, not the data.
  return unavailable('rpc', 'the EVM node is unreachable or failing');
}

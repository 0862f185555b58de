import { StorageUnavailableError } from './storage.errors.js';

// Disk conditions that an operator or time can clear: the pipeline should retry, not fail the record.
const TRANSIENT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ENOMEM', 'ETIMEDOUT']);

/** The `code` of a Node system error (`ENOENT`...), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Translates transient disk errors into StorageUnavailableError; anything else passes unchanged. */
export function toStorageError(error: unknown): unknown {
  const code = errnoCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code) ? new StorageUnavailableError(`disk error ${code}`, error) : error;
}

import { describe, expect, it } from 'vitest';
import { toStorageError } from './fs.errors.js';
import { StorageUnavailableError } from './storage.errors.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code, syscall: 'write' });
}

describe('toStorageError', () => {
  it.each(['ENOSPC', 'EIO', 'EDQUOT', 'EMFILE', 'EROFS'])('turns %s into a transient StorageUnavailableError keeping the cause', (code) => {
    const cause = systemError(code);
    const translated = toStorageError(cause);
    expect(translated).toBeInstanceOf(StorageUnavailableError);
    expect(translated).toMatchObject({ code: 'STORAGE_UNAVAILABLE', details: { reason: `disk error ${code}` }, cause });
  });

  it('passes other errors through unchanged (a permission error is not transient)', () => {
    const denied = systemError('EACCES');
    expect(toStorageError(denied)).toBe(denied);
    const plain = new Error('boom');
    expect(toStorageError(plain)).toBe(plain);
  });
});

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyringError } from './crypto.errors.js';

/*
 * File primitives for secrets: owner-only modes, and whole-file replacement, so a reader
 * (another process) sees the old file or the new one, never a half-written one.
 */

const OWNER_ONLY = 0o600;

/**
 * Reads a secret file, or undefined when it does not exist. The mode is checked on the
 * open descriptor (the same inode that is read): a file that group or others can access is
 * refused, as ssh refuses a private key with loose permissions.
 */
export async function readSecretFile(file: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new KeyringError('KEYRING_INVALID', file, 'not a regular file');
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new KeyringError('KEYRING_INSECURE', file, `mode ${mode} lets other users access it; run: chmod 600 ${file}`);
    }
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Creates `file` with `text` unless it already exists. The text is written and synced to
 * a private temp file first, then hard-linked into place: link() fails when the name
 * exists, so of two processes starting together exactly one file wins and the loser keeps
 * the winner's (the caller re-reads). Returns whether this call created it.
 */
export async function createSecretFileOnce(file: string, text: string): Promise<boolean> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = tempName(file);
  try {
    await writeSynced(tmp, text);
    try {
      await link(tmp, file);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') return false;
      throw e;
    }
    await syncDir(dir);
    return true;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Replaces `file` with `text` atomically (temp file, 0600, synced, renamed over). */
export async function replaceSecretFile(file: string, text: string): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeSynced(tmp, text);
    await rename(tmp, file);
    await syncDir(dirname(file));
  } finally {
    await rm(tmp, { force: true });
  }
}

/** How long a writer waits for another's lock, and when a lock is taken as left by a dead process. */
export interface FileLockTiming {
  timeoutMs: number;
  staleMs: number;
}

const DEFAULT_LOCK_TIMING: FileLockTiming = { timeoutMs: 10_000, staleMs: 30_000 };

/**
 * Runs `fn` holding `${file}.lock` (created exclusively). Read-modify-write of the keyring
 * (rotation) must be serialised across processes: two unserialised rotations would each
 * rename their own version over the file and one new KEK — and every key it wrapped — would
 * be lost.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timing: FileLockTiming = DEFAULT_LOCK_TIMING): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timing.timeoutMs;
  for (;;) {
    try {
      const fh = await open(lock, 'wx', OWNER_ONLY);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
    const age = await lockAge(lock);
    if (age !== undefined && age > timing.staleMs) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new KeyringError('KEYRING_BUSY', file, `${lock} is held by another process; if none is rotating keys, delete it`);
    }
    await sleep(10 + Math.floor(Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function lockAge(lock: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return undefined; // released meanwhile: just retry
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const fh = await open(path, 'wx', OWNER_ONLY);
  try {
    // open()'s mode is masked by the umask; chmod makes it exactly 0600 whatever the umask.
    await fh.chmod(OWNER_ONLY);
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a link/rename durable; some filesystems cannot sync a directory, which is not fatal. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}

function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretFileOnce, readSecretFile, replaceSecretFile, withFileLock } from './secret-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hie-secret-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secret files', () => {
  it('creates once: of many concurrent creators exactly one wins, and the file is the winner’s, 0600', async () => {
    const file = join(dir, 'a', 'b', 'secret.json');
    const texts = Array.from({ length: 12 }, (_, i) => `text ${i}`);
    const created = await Promise.all(texts.map((t) => createSecretFileOnce(file, t)));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await readFile(file, 'utf8')).toBe(texts[created.indexOf(true)]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['secret.json']);
  });

  it('replaces atomically, keeping 0600 and leaving no temp file', async () => {
    const file = join(dir, 'secret.json');
    await createSecretFileOnce(file, 'one');
    await replaceSecretFile(file, 'two');
    expect(await readSecretFile(file)).toBe('two');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secret.json']);
  });

  it('reads undefined for a missing file', async () => {
    expect(await readSecretFile(join(dir, 'none.json'))).toBeUndefined();
  });

  it('serialises lock holders', async () => {
    const file = join(dir, 'secret.json');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withFileLock(file, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up on a live lock with KEYRING_BUSY, and breaks a stale one', async () => {
    const file = join(dir, 'secret.json');
    await writeFile(`${file}.lock`, '1\n');
    await expect(withFileLock(file, async () => 'ran', { timeoutMs: 100, staleMs: 60_000 })).rejects.toMatchObject({ code: 'KEYRING_BUSY' });
    const old = new Date(Date.now() - 120_000);
    await utimes(`${file}.lock`, old, old);
    expect(await withFileLock(file, async () => 'ran', { timeoutMs: 100, staleMs: 60_000 })).toBe('ran');
    expect(await readdir(dir)).toEqual([]);
  });
});

import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyringError, KeyUnavailableError } from './crypto.errors.js';
import { generateDataKey } from './envelope.cipher.js';
import { LocalKeyring } from './local-keyring.provider.js';
import { keyProviderContract } from './key-provider.contract.test-helper.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hie-keyring-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface KeyringJson {
  format: string;
  createdAt: string;
  currentKek: string;
  keks: { id: string; key: string; createdAt: string }[];
  hashKey: string;
  ledgerKey: { privateKey: string; publicKey: string };
}

async function readJson(file: string): Promise<KeyringJson> {
  return JSON.parse(await readFile(file, 'utf8')) as KeyringJson;
}

async function writeKeyring(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function openError(file: string): Promise<KeyringError> {
  try {
    await LocalKeyring.open(file);
  } catch (e) {
    expect(e).toBeInstanceOf(KeyringError);
    return e as KeyringError;
  }
  throw new Error('expected LocalKeyring.open to fail');
}

/**
 * Every 8-character piece of every secret in the file (base64 and hex): V8 quotes about 10
 * characters around a JSON syntax error, so whole-key matching would miss a leak.
 */
function secretFragments(doc: KeyringJson): string[] {
  const secrets = [doc.hashKey, doc.ledgerKey.privateKey, ...doc.keks.map((k) => k.key)];
  const hexes = secrets.map((s) => Buffer.from(s, 'base64').toString('hex'));
  return [...secrets, ...hexes].flatMap((s) => Array.from({ length: s.length - 7 }, (_, i) => s.slice(i, i + 8)));
}

function expectNoSecrets(e: Error & { details?: unknown }, doc: KeyringJson): void {
  const text = `${e.message}\n${JSON.stringify(e.details ?? {})}\n${e.stack ?? ''}`;
  for (const fragment of secretFragments(doc)) expect(text.includes(fragment), 'error text contains key material').toBe(false);
}

describe('LocalKeyring', () => {
  describe('KeyProvider contract', () => {
    keyProviderContract(async () => LocalKeyring.open(join(dir, `contract-${randomBytes(4).toString('hex')}.json`)));
  });

  it('creates a 0600 keyring (and its directory) on first open, in the documented format', async () => {
    const file = join(dir, 'nested', 'deeper', 'keyring.json');
    const ring = await LocalKeyring.open(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['keyring.json']);
    const doc = await readJson(file);
    expect(doc.format).toBe('hie-keyring/1');
    expect(Number.isNaN(Date.parse(doc.createdAt))).toBe(false);
    expect(doc.keks).toHaveLength(1);
    expect(doc.currentKek).toBe(doc.keks[0]!.id);
    expect(ring.currentKekId()).toBe(doc.currentKek);
    expect(Buffer.from(doc.keks[0]!.key, 'base64')).toHaveLength(32);
    expect(Buffer.from(doc.hashKey, 'base64').equals(ring.hashKey())).toBe(true);
    expect(ring.hashKey()).toHaveLength(32);
    const { privateKey, publicKey } = ring.ledgerSigningKey();
    expect(privateKey.asymmetricKeyType).toBe('ed25519');
    expect(publicKey.export({ format: 'der', type: 'spki' }).toString('base64')).toBe(doc.ledgerKey.publicKey);
    const signature = sign(null, Buffer.from('block'), privateKey);
    expect(verify(null, Buffer.from('block'), publicKey, signature)).toBe(true);
  });

  it('reopens with the same keys, and hashKey() hands out a copy', async () => {
    const file = join(dir, 'keyring.json');
    const a = await LocalKeyring.open(file);
    const b = await LocalKeyring.open(file);
    expect(b.hashKey().equals(a.hashKey())).toBe(true);
    expect(b.currentKekId()).toBe(a.currentKekId());
    const pub = (r: LocalKeyring): string => r.ledgerSigningKey().publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
    expect(pub(b)).toBe(pub(a));
    const dataKey = generateDataKey();
    expect((await b.unwrapKey(await a.wrapKey(dataKey, 'ctx'), 'ctx')).equals(dataKey)).toBe(true);
    a.hashKey().fill(0);
    expect(a.hashKey().equals(b.hashKey())).toBe(true);
  });

  it('two opens racing on a new path end with ONE keyring', async () => {
    const file = join(dir, 'race', 'keyring.json');
    const rings = await Promise.all(Array.from({ length: 8 }, () => LocalKeyring.open(file)));
    const doc = await readJson(file);
    for (const ring of rings) {
      expect(ring.hashKey().toString('base64')).toBe(doc.hashKey);
      expect(ring.currentKekId()).toBe(doc.currentKek);
      expect(ring.ledgerSigningKey().publicKey.export({ format: 'der', type: 'spki' }).toString('base64')).toBe(doc.ledgerKey.publicKey);
    }
    expect(await readdir(join(dir, 'race'))).toEqual(['keyring.json']);
  });

  it('persists a rotation (0600, atomic), and old wraps still open after reopening', async () => {
    const file = join(dir, 'keyring.json');
    const ring = await LocalKeyring.open(file);
    const dataKey = generateDataKey();
    const old = await ring.wrapKey(dataKey, 'ctx');
    const newKek = await ring.rotate();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['keyring.json']);
    const doc = await readJson(file);
    expect(doc.currentKek).toBe(newKek);
    expect(doc.keks.map((k) => k.id)).toEqual([old.kekId, newKek]);
    const reopened = await LocalKeyring.open(file);
    expect(reopened.currentKekId()).toBe(newKek);
    expect((await reopened.unwrapKey(old, 'ctx')).equals(dataKey)).toBe(true);
    expect((await reopened.wrapKey(dataKey, 'ctx')).kekId).toBe(newKek);
  });

  it('a process meeting an unknown KEK re-reads the file once (another process rotated)', async () => {
    const file = join(dir, 'keyring.json');
    const a = await LocalKeyring.open(file);
    const b = await LocalKeyring.open(file);
    const newKek = await a.rotate();
    const dataKey = generateDataKey();
    const w = await a.wrapKey(dataKey, 'ctx');
    expect(w.kekId).toBe(newKek);
    expect(b.currentKekId()).not.toBe(newKek);
    expect((await b.unwrapKey(w, 'ctx')).equals(dataKey)).toBe(true);
    // b now wraps under the KEK the deployment rotated to.
    expect(b.currentKekId()).toBe(newKek);
  });

  it('concurrent rotations from two processes keep every new KEK', async () => {
    const file = join(dir, 'keyring.json');
    const a = await LocalKeyring.open(file);
    const b = await LocalKeyring.open(file);
    const first = a.currentKekId();
    const ids = await Promise.all([a.rotate(), b.rotate(), a.rotate(), b.rotate()]);
    expect(new Set(ids).size).toBe(4);
    const doc = await readJson(file);
    expect(new Set(doc.keks.map((k) => k.id))).toEqual(new Set([first, ...ids]));
    expect(ids).toContain(doc.currentKek);
    expect(await readdir(dir)).toEqual(['keyring.json']);
  });

  it('a rewrite never drops a KEK the process still holds', async () => {
    const file = join(dir, 'keyring.json');
    const ring = await LocalKeyring.open(file);
    const dataKey = generateDataKey();
    const w = await ring.wrapKey(dataKey, 'ctx');
    const second = await ring.rotate();
    const doc = await readJson(file);
    doc.keks = doc.keks.filter((k) => k.id !== w.kekId);
    await writeKeyring(file, JSON.stringify(doc));
    const third = await ring.rotate();
    expect((await readJson(file)).keks.map((k) => k.id)).toEqual([second, w.kekId, third]);
    expect((await (await LocalKeyring.open(file)).unwrapKey(w, 'ctx')).equals(dataKey)).toBe(true);
  });

  it('fails with KEY_UNAVAILABLE for a KEK that is nowhere, and with KEYRING_INVALID if the file became another keyring', async () => {
    const file = join(dir, 'keyring.json');
    const ring = await LocalKeyring.open(file);
    const w = await ring.wrapKey(generateDataKey(), 'ctx');
    await expect(ring.unwrapKey({ ...w, kekId: '00000000-0000-4000-8000-000000000000' }, 'ctx')).rejects.toBeInstanceOf(KeyUnavailableError);
    await rm(file);
    const other = await LocalKeyring.open(file);
    expect(other.hashKey().equals(ring.hashKey())).toBe(false);
    await other.rotate();
    await expect(ring.unwrapKey({ ...w, kekId: other.currentKekId() }, 'ctx')).rejects.toMatchObject({ code: 'KEYRING_INVALID' });
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o620, 0o602, 0o666])('refuses a keyring with mode %s, naming the file and the fix', async (mode) => {
    const file = join(dir, 'keyring.json');
    await LocalKeyring.open(file);
    const doc = await readJson(file);
    await chmod(file, mode);
    const e = await openError(file);
    expect(e.code).toBe('KEYRING_INSECURE');
    expect(e.message).toContain(file);
    expect(e.message).toContain(`chmod 600 ${file}`);
    expect(e.details).toMatchObject({ file });
    expectNoSecrets(e, doc);
    await chmod(file, 0o600);
    await expect(LocalKeyring.open(file)).resolves.toBeInstanceOf(LocalKeyring);
  });

  describe('refuses a malformed keyring, without key material in the error', () => {
    const other = generateKeyPairSync('ed25519');
    const x25519 = generateKeyPairSync('x25519');
    const cases: [string, (doc: KeyringJson, text: string) => string][] = [
      ['empty file', () => ''],
      ['truncated in the middle of a key', (doc, text) => text.slice(0, text.indexOf(doc.hashKey) + 20)],
      ['truncated in the middle of the ledger key', (doc, text) => text.slice(0, text.indexOf(doc.ledgerKey.privateKey) + 30)],
      // JSON.parse's own message would quote the text around the fault, i.e. the key.
      ['a key whose opening quote is lost', (doc, text) => text.replace(`"${doc.hashKey}`, doc.hashKey)],
      ['a key whose closing quote is lost', (doc, text) => text.replace(`${doc.hashKey}"`, doc.hashKey)],
      ['a JSON array', () => '[]'],
      ['another format', (doc) => JSON.stringify({ ...doc, format: 'hie-keyring/2' })],
      ['no KEKs', (doc) => JSON.stringify({ ...doc, keks: [] })],
      ['a KEK of 16 bytes', (doc) => JSON.stringify({ ...doc, keks: [{ ...doc.keks[0]!, key: doc.keks[0]!.key.slice(0, 24) }] })],
      ['a KEK with junk in its base64', (doc) => JSON.stringify({ ...doc, keks: [{ ...doc.keks[0]!, key: `${doc.keks[0]!.key.slice(0, 10)}!${doc.keks[0]!.key.slice(11)}` }] })],
      ['a KEK id that is not a UUID', (doc) => JSON.stringify({ ...doc, currentKek: 'kek-1', keks: [{ ...doc.keks[0]!, id: 'kek-1' }] })],
      ['a duplicate KEK id', (doc) => JSON.stringify({ ...doc, keks: [doc.keks[0]!, doc.keks[0]!] })],
      ['a current KEK that is not listed', (doc) => JSON.stringify({ ...doc, currentKek: '00000000-0000-4000-8000-000000000000' })],
      ['a hash key of 31 bytes', (doc) => JSON.stringify({ ...doc, hashKey: Buffer.from(doc.hashKey, 'base64').subarray(0, 31).toString('base64') })],
      ['no createdAt', (doc) => JSON.stringify({ ...doc, createdAt: undefined })],
      ['a ledger key that is not DER', (doc) => JSON.stringify({ ...doc, ledgerKey: { ...doc.ledgerKey, privateKey: doc.hashKey } })],
      [
        'a ledger public key of another pair',
        (doc) => JSON.stringify({ ...doc, ledgerKey: { ...doc.ledgerKey, publicKey: other.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') } }),
      ],
      [
        'an X25519 ledger key',
        (doc) =>
          JSON.stringify({
            ...doc,
            ledgerKey: {
              privateKey: x25519.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
              publicKey: x25519.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
            },
          }),
      ],
    ];

    it.each(cases)('%s', async (_name, corrupt) => {
      const file = join(dir, 'keyring.json');
      await LocalKeyring.open(file);
      const text = await readFile(file, 'utf8');
      const doc = JSON.parse(text) as KeyringJson;
      await writeKeyring(file, corrupt(doc, text));
      const e = await openError(file);
      expect(e.code).toBe('KEYRING_INVALID');
      expect(e.message).toContain(file);
      expectNoSecrets(e, doc);
    });

    it('a directory where the file should be', async () => {
      const file = join(dir, 'keyring.json');
      await mkdir(file, { mode: 0o700 });
      expect((await openError(file)).code).toBe('KEYRING_INVALID');
    });
  });

  it('an unwrap failure names the KEK id, never key material', async () => {
    const file = join(dir, 'keyring.json');
    const ring = await LocalKeyring.open(file);
    const doc = await readJson(file);
    const w = await ring.wrapKey(generateDataKey(), 'ctx');
    const e = await ring.unwrapKey(w, 'other').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KeyUnavailableError);
    expect((e as KeyUnavailableError).message).toContain(w.kekId);
    expectNoSecrets(e as KeyUnavailableError, doc);
  });
});

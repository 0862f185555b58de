import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { uuidv7 } from '@hie/common';
import { KeyringError } from './crypto.errors.js';
import { KEY_BYTES } from './kek.wrap.js';

/** The keyring file's format tag; a new layout gets a new tag, never a silent reinterpretation. */
export const KEYRING_FORMAT = 'hie-keyring/1';

/** A key-encryption key as held in memory. */
export interface KekEntry {
  key: Buffer;
  createdAt: string;
}

/** The parsed, validated keyring. */
export interface KeyringState {
  createdAt: string;
  currentKek: string;
  keks: Map<string, KekEntry>;
  hashKey: Buffer;
  ledgerKey: { privateKey: KeyObject; publicKey: KeyObject; privateDer: Buffer; publicDer: Buffer };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A brand-new keyring: one KEK, a hash key, an Ed25519 ledger key pair. */
export function newKeyringState(now = new Date()): KeyringState {
  const createdAt = now.toISOString();
  const kekId = uuidv7(now.getTime());
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    createdAt,
    currentKek: kekId,
    keks: new Map([[kekId, { key: randomBytes(KEY_BYTES), createdAt }]]),
    hashKey: randomBytes(KEY_BYTES),
    ledgerKey: {
      privateKey,
      publicKey,
      privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }),
      publicDer: publicKey.export({ format: 'der', type: 'spki' }),
    },
  };
}

/** The file's JSON text (pretty, so an operator can see which KEKs exist and when they were made). */
export function serializeKeyring(state: KeyringState): string {
  const doc = {
    format: KEYRING_FORMAT,
    createdAt: state.createdAt,
    currentKek: state.currentKek,
    keks: [...state.keks].map(([id, k]) => ({ id, key: k.key.toString('base64'), createdAt: k.createdAt })),
    hashKey: state.hashKey.toString('base64'),
    ledgerKey: { privateKey: state.ledgerKey.privateDer.toString('base64'), publicKey: state.ledgerKey.publicDer.toString('base64') },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Parses and validates the file's text. Every refusal is KEYRING_INVALID naming the field,
 * never its value, and never JSON.parse's message (which quotes the text around the fault).
 */
export function parseKeyring(file: string, text: string): KeyringState {
  const invalid = (reason: string): KeyringError => new KeyringError('KEYRING_INVALID', file, reason);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('not valid JSON');
  }
  if (!isRecord(doc)) throw invalid('not a JSON object');
  if (doc.format !== KEYRING_FORMAT) throw invalid(`"format" is not "${KEYRING_FORMAT}"`);
  const createdAt = timestamp(doc.createdAt, 'createdAt', invalid);

  if (!Array.isArray(doc.keks) || doc.keks.length === 0) throw invalid('"keks" is not a non-empty array');
  const keks = new Map<string, KekEntry>();
  doc.keks.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) throw invalid(`keks[${i}] is not an object`);
    if (typeof entry.id !== 'string' || !UUID.test(entry.id)) throw invalid(`keks[${i}].id is not a UUID`);
    if (keks.has(entry.id)) throw invalid(`keks[${i}].id is a duplicate`);
    keks.set(entry.id, {
      key: base64Key(entry.key, `keks[${i}].key`, KEY_BYTES, invalid),
      createdAt: timestamp(entry.createdAt, `keks[${i}].createdAt`, invalid),
    });
  });
  if (typeof doc.currentKek !== 'string' || !keks.has(doc.currentKek)) throw invalid('"currentKek" names no entry of "keks"');

  const hashKey = base64Key(doc.hashKey, 'hashKey', KEY_BYTES, invalid);
  return { createdAt, currentKek: doc.currentKek, keks, hashKey, ledgerKey: ledgerKey(doc.ledgerKey, invalid) };
}

function ledgerKey(value: unknown, invalid: (reason: string) => KeyringError): KeyringState['ledgerKey'] {
  if (!isRecord(value)) throw invalid('"ledgerKey" is not an object');
  const privateDer = base64Key(value.privateKey, 'ledgerKey.privateKey', undefined, invalid);
  const publicDer = base64Key(value.publicKey, 'ledgerKey.publicKey', undefined, invalid);
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateDer, format: 'der', type: 'pkcs8' });
    publicKey = createPublicKey({ key: publicDer, format: 'der', type: 'spki' });
  } catch {
    throw invalid('"ledgerKey" is not a PKCS#8 / SPKI DER key pair');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw invalid('"ledgerKey" is not an Ed25519 key pair');
  }
  // A public key that does not belong to the private key would make every signature the
  // ledger writes unverifiable by its own readers.
  const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  if (!derived.equals(publicDer)) throw invalid('"ledgerKey.publicKey" does not match "ledgerKey.privateKey"');
  return { privateKey, publicKey, privateDer, publicDer };
}

/** Strict base64 (Buffer.from alone skips invalid characters), optionally of an exact length. */
function base64Key(value: unknown, field: string, bytes: number | undefined, invalid: (reason: string) => KeyringError): Buffer {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} is not a base64 string`);
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) throw invalid(`${field} is not canonical base64`);
  if (bytes !== undefined && decoded.length !== bytes) throw invalid(`${field} is not ${bytes} bytes`);
  return decoded;
}

function timestamp(value: unknown, field: string, invalid: (reason: string) => KeyringError): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalid(`${field} is not a timestamp`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

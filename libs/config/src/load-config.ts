import { resolve } from 'node:path';
import { InvalidInputError } from '@hie/common';
import type { DicomConfig, HieConfig } from './hie-config.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the environment. The only place in the code base that reads
 * `process.env`: everything else receives a typed `HieConfig`.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): HieConfig {
  const dataDir = resolve(cwd, env.HIE_DATA_DIR ?? 'data');
  const role = oneOf(env, 'HIE_ROLE', ['all', 'intake', 'worker'] as const, 'all');
  const databaseUrl = env.DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  return {
    role,
    dataDir,
    database: databaseUrl
      ? { kind: 'postgres', url: requireUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']), schema: env.HIE_DB_SCHEMA || undefined }
      : { kind: 'sqlite', file: resolve(dataDir, env.HIE_SQLITE_FILE ?? 'hie.sqlite') },
    queue: redisUrl
      ? { kind: 'bullmq', redisUrl: requireUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:']), prefix: env.HIE_QUEUE_PREFIX ?? 'hie' }
      : { kind: 'in-process' },
    mllp: {
      host: env.HIE_MLLP_HOST ?? '127.0.0.1',
      port: int(env, 'HIE_MLLP_PORT', 2575, 0, 65535),
      enabled: role !== 'worker' && bool(env, 'HIE_MLLP_ENABLED', true),
    },
    http: {
      host: env.HIE_HTTP_HOST ?? '127.0.0.1',
      port: int(env, 'HIE_HTTP_PORT', 8080, 0, 65535),
      enabled: role !== 'worker' && bool(env, 'HIE_HTTP_ENABLED', true),
    },
    limits: {
      maxMessageBytes: int(env, 'HIE_MAX_MESSAGE_BYTES', 16 * 1024 * 1024, 1024, 2 ** 31 - 1),
      maxFrameBytes: int(env, 'HIE_MAX_FRAME_BYTES', 128 * 1024 * 1024, 1024, 2 ** 31 - 1),
      maxCdaBytes: int(env, 'HIE_CDA_MAX_BYTES', 32 * 1024 * 1024, 1024, 2 ** 31 - 1),
      maxCdaDepth: int(env, 'HIE_CDA_MAX_DEPTH', 200, 16, 100_000),
    },
    intake: {
      batchSize: int(env, 'HIE_INTAKE_BATCH_SIZE', 500, 1, 100_000),
      batchMillis: int(env, 'HIE_INTAKE_BATCH_MILLIS', 4, 0, 10_000),
    },
    worker: {
      concurrency: int(env, 'HIE_WORKER_CONCURRENCY', 4, 1, 1024),
      recoverAfterMillis: int(env, 'HIE_RECOVER_AFTER_MILLIS', 30_000, 100, 86_400_000),
    },
    mappingsDir: resolve(cwd, env.HIE_MAPPINGS_DIR ?? 'mappings'),
    sourceTimezone: utcOffset(env, 'HIE_SOURCE_TIMEZONE'),
    idSecret: env.HIE_ID_SECRET ?? 'hie-development-id-secret',
    logLevel: oneOf(env, 'HIE_LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    adminToken: env.HIE_ADMIN_TOKEN || undefined,
    protect: protectConfig(env, dataDir),
    dicom: dicomConfig(env, role),
  };
}

function dicomConfig(env: Env, role: HieConfig['role']): DicomConfig {
  const httpHost = env.HIE_HTTP_HOST ?? '127.0.0.1';
  const httpPort = int(env, 'HIE_HTTP_PORT', 8080, 0, 65535);
  const urlHost = httpHost.includes(':') ? `[${httpHost}]` : httpHost;
  const baseUrl = env.HIE_DICOMWEB_BASE_URL
    ? requireUrl('HIE_DICOMWEB_BASE_URL', env.HIE_DICOMWEB_BASE_URL, ['http:', 'https:']).replace(/\/+$/, '')
    : `http://${urlHost}:${httpPort}/dicomweb`;
  const defaultIssuer = env.HIE_DICOM_DEFAULT_ISSUER?.trim();
  return {
    host: env.HIE_DICOM_HOST ?? '127.0.0.1',
    port: int(env, 'HIE_DICOM_PORT', 11112, 0, 65535),
    enabled: role !== 'worker' && bool(env, 'HIE_DICOM_ENABLED', true),
    aeTitle: aeTitle('HIE_DICOM_AE_TITLE', env.HIE_DICOM_AE_TITLE ?? 'HIE'),
    callingAeTitles: list(env, 'HIE_DICOM_CALLING_AE_TITLES', []).map((t) => aeTitle('HIE_DICOM_CALLING_AE_TITLES', t)),
    maxHeaderBytes: int(env, 'HIE_DICOM_MAX_HEADER_BYTES', 16 * 1024 * 1024, 1024, 2 ** 31 - 1),
    ...(defaultIssuer ? { defaultIssuer } : {}),
    dicomwebBaseUrl: baseUrl,
  };
}

/** An AE title (PS3.5 AE VR): 1 to 16 characters, no backslash or control characters; spaces around it are not significant. */
function aeTitle(name: string, raw: string): string {
  const title = raw.trim();
  if (title.length === 0 || title.length > 16 || /[\\\x00-\x1f\x7f]/.test(title)) {
    throw new InvalidInputError('CONFIG_INVALID', `${name} must hold AE titles of 1 to 16 characters without backslash`, { name });
  }
  return title;
}

/**
 * The EVM deployer's private key (`HIE_EVM_PRIVATE_KEY`), for `hie ledger deploy`, which runs
 * before a contract address exists and so before a full `evm` ledger configuration can load.
 */
export function loadEvmDeployKey(env: Env = process.env): string {
  return hex(env, 'HIE_EVM_PRIVATE_KEY', 32);
}

function protectConfig(env: Env, dataDir: string): HieConfig['protect'] {
  const storageKind = oneOf(env, 'HIE_STORAGE', ['local', 'ipfs'] as const, 'local');
  const ledgerKind = oneOf(env, 'HIE_LEDGER', ['embedded', 'evm'] as const, 'embedded');
  return {
    enabled: bool(env, 'HIE_PROTECT', true),
    keyringFile: resolve(dataDir, env.HIE_KEYRING_FILE ?? 'keyring.json'),
    storage:
      storageKind === 'local'
        ? { kind: 'local', dir: resolve(dataDir, env.HIE_STORAGE_DIR ?? 'content') }
        : {
            kind: 'ipfs',
            repoDir: resolve(dataDir, env.HIE_IPFS_REPO ?? 'ipfs'),
            listen: list(env, 'HIE_IPFS_LISTEN', ['/ip4/127.0.0.1/tcp/4001']),
            peers: list(env, 'HIE_IPFS_PEERS', []),
            fetchTimeoutMillis: int(env, 'HIE_IPFS_TIMEOUT_MILLIS', 30_000, 100, 3_600_000),
          },
    ledger:
      ledgerKind === 'embedded'
        ? { kind: 'embedded' }
        : {
            kind: 'evm',
            rpcUrl: requireUrl('HIE_EVM_RPC_URL', required(env, 'HIE_EVM_RPC_URL'), ['http:', 'https:', 'ws:', 'wss:']),
            privateKey: hex(env, 'HIE_EVM_PRIVATE_KEY', 32),
            contractAddress: hex(env, 'HIE_EVM_CONTRACT', 20),
          },
    anchor: {
      intervalMillis: int(env, 'HIE_ANCHOR_INTERVAL_MILLIS', 1000, 10, 86_400_000),
      maxLeaves: int(env, 'HIE_ANCHOR_MAX_LEAVES', 100_000, 1, 10_000_000),
    },
  };
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function required(env: Env, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') throw new InvalidInputError('CONFIG_INVALID', `${name} is required`, { name });
  return raw;
}

/** A 0x-prefixed hex value of `bytes` bytes (a private key, an address); never echoed in errors. */
function hex(env: Env, name: string, bytes: number): string {
  const raw = required(env, name);
  if (!new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(raw)) {
    throw new InvalidInputError('CONFIG_INVALID', `${name} must be 0x followed by ${bytes * 2} hex digits`, { name });
  }
  return raw;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError('CONFIG_INVALID', `${name} must be an integer from ${min} to ${max}`, { name });
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new InvalidInputError('CONFIG_INVALID', `${name} must be true or false`, { name });
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new InvalidInputError('CONFIG_INVALID', `${name} must be one of ${allowed.join(', ')}`, { name });
}

function utcOffset(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/.test(raw)) return raw;
  throw new InvalidInputError('CONFIG_INVALID', `${name} must be Z or a UTC offset like +01:00`, { name });
}

function requireUrl(name: string, raw: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError('CONFIG_INVALID', `${name} is not a URL`, { name });
  }
  if (!protocols.includes(url.protocol)) {
    throw new InvalidInputError('CONFIG_INVALID', `${name} must use ${protocols.join(' or ')}`, { name });
  }
  return raw;
}

import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with no environment', () => {
    const config = loadConfig({}, '/srv/hie');
    expect(config.database).toEqual({ kind: 'sqlite', file: '/srv/hie/data/hie.sqlite' });
    expect(config.queue).toEqual({ kind: 'in-process' });
    expect(config.mllp).toMatchObject({ host: '127.0.0.1', port: 2575, enabled: true });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, enabled: true });
    expect(config.role).toBe('all');
  });

  it('uses PostgreSQL and BullMQ when their URLs are set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db', REDIS_URL: 'redis://127.0.0.1:6379', HIE_QUEUE_PREFIX: 'p1' });
    expect(config.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@127.0.0.1/db' });
    expect(config.queue).toEqual({ kind: 'bullmq', redisUrl: 'redis://127.0.0.1:6379', prefix: 'p1' });
  });

  it('a worker-only process opens no listener', () => {
    const config = loadConfig({ HIE_ROLE: 'worker' });
    expect(config.mllp.enabled).toBe(false);
    expect(config.http.enabled).toBe(false);
  });

  it('refuses bad values with a named setting and no value echoed', () => {
    expect(() => loadConfig({ HIE_MLLP_PORT: '99999' })).toThrow(/HIE_MLLP_PORT/);
    expect(() => loadConfig({ HIE_ROLE: 'boss' })).toThrow(/HIE_ROLE must be one of/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must use/);
    expect(() => loadConfig({ HIE_SOURCE_TIMEZONE: 'Europe/Paris' })).toThrow(/HIE_SOURCE_TIMEZONE/);
  });

  it('bounds CDA documents: 32 MiB and 200 levels of nesting unless configured', () => {
    expect(loadConfig({}).limits).toMatchObject({ maxCdaBytes: 32 * 1024 * 1024, maxCdaDepth: 200 });
    expect(loadConfig({ HIE_CDA_MAX_BYTES: '1048576', HIE_CDA_MAX_DEPTH: '64' }).limits).toMatchObject({ maxCdaBytes: 1048576, maxCdaDepth: 64 });
    expect(() => loadConfig({ HIE_CDA_MAX_BYTES: '10' })).toThrow(/HIE_CDA_MAX_BYTES/);
    expect(() => loadConfig({ HIE_CDA_MAX_DEPTH: 'deep' })).toThrow(/HIE_CDA_MAX_DEPTH/);
  });

  it('listens for DICOM on 127.0.0.1:11112 as HIE, any caller, 16 MiB headers, unless configured', () => {
    const config = loadConfig({}, '/srv/hie');
    expect(config.dicom).toEqual({
      host: '127.0.0.1',
      port: 11112,
      enabled: true,
      aeTitle: 'HIE',
      callingAeTitles: [],
      maxHeaderBytes: 16 * 1024 * 1024,
      dicomwebBaseUrl: 'http://127.0.0.1:8080/dicomweb',
    });
    const custom = loadConfig({
      HIE_DICOM_HOST: '0.0.0.0', HIE_DICOM_PORT: '0', HIE_DICOM_AE_TITLE: ' PACS_IN ', HIE_DICOM_CALLING_AE_TITLES: 'CT1, MR2',
      HIE_DICOM_MAX_HEADER_BYTES: '65536', HIE_DICOM_DEFAULT_ISSUER: 'HOSP', HIE_DICOMWEB_BASE_URL: 'https://pacs.example.org/dicomweb/',
    });
    expect(custom.dicom).toEqual({
      host: '0.0.0.0', port: 0, enabled: true, aeTitle: 'PACS_IN', callingAeTitles: ['CT1', 'MR2'], maxHeaderBytes: 65536,
      defaultIssuer: 'HOSP', dicomwebBaseUrl: 'https://pacs.example.org/dicomweb',
    });
    expect(loadConfig({ HIE_HTTP_HOST: '::1', HIE_HTTP_PORT: '9000' }).dicom.dicomwebBaseUrl).toBe('http://[::1]:9000/dicomweb');
    expect(loadConfig({ HIE_ROLE: 'worker' }).dicom.enabled).toBe(false);
    expect(loadConfig({ HIE_DICOM_ENABLED: 'false' }).dicom.enabled).toBe(false);
  });

  it('refuses bad DICOM settings', () => {
    expect(() => loadConfig({ HIE_DICOM_PORT: '70000' })).toThrow(/HIE_DICOM_PORT/);
    expect(() => loadConfig({ HIE_DICOM_AE_TITLE: 'A_TITLE_LONGER_THAN_16' })).toThrow(/HIE_DICOM_AE_TITLE/);
    expect(() => loadConfig({ HIE_DICOM_AE_TITLE: 'BAD\\AE' })).toThrow(/HIE_DICOM_AE_TITLE/);
    expect(() => loadConfig({ HIE_DICOM_CALLING_AE_TITLES: 'OK,WAY_TOO_LONG_AE_TITLE' })).toThrow(/HIE_DICOM_CALLING_AE_TITLES/);
    expect(() => loadConfig({ HIE_DICOM_MAX_HEADER_BYTES: '10' })).toThrow(/HIE_DICOM_MAX_HEADER_BYTES/);
    expect(() => loadConfig({ HIE_DICOMWEB_BASE_URL: 'ftp://x/dicomweb' })).toThrow(/HIE_DICOMWEB_BASE_URL must use/);
  });

  it('takes the source time zone as a UTC offset', () => {
    expect(loadConfig({}).sourceTimezone).toBeUndefined();
    expect(loadConfig({ HIE_SOURCE_TIMEZONE: '-05:00' }).sourceTimezone).toBe('-05:00');
  });

  it('protects and anchors on embedded defaults: keyring file, local content store, embedded ledger', () => {
    const config = loadConfig({}, '/srv/hie');
    expect(config.protect).toEqual({
      enabled: true,
      keyringFile: '/srv/hie/data/keyring.json',
      storage: { kind: 'local', dir: '/srv/hie/data/content' },
      ledger: { kind: 'embedded' },
      anchor: { intervalMillis: 1000, maxLeaves: 100_000 },
    });
    expect(config.adminToken).toBeUndefined();
    expect(loadConfig({ HIE_PROTECT: 'false' }).protect.enabled).toBe(false);
  });

  it('takes IPFS and an EVM chain when configured', () => {
    const key = `0x${'ab'.repeat(32)}`;
    const address = `0x${'12'.repeat(20)}`;
    const config = loadConfig(
      {
        HIE_STORAGE: 'ipfs',
        HIE_IPFS_LISTEN: '/ip4/127.0.0.1/tcp/4101',
        HIE_IPFS_PEERS: '/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWabc, /ip4/10.0.0.3/tcp/4001/p2p/12D3KooWdef',
        HIE_LEDGER: 'evm',
        HIE_EVM_RPC_URL: 'http://127.0.0.1:8545',
        HIE_EVM_PRIVATE_KEY: key,
        HIE_EVM_CONTRACT: address,
      },
      '/srv/hie',
    );
    expect(config.protect.storage).toEqual({
      kind: 'ipfs',
      repoDir: '/srv/hie/data/ipfs',
      listen: ['/ip4/127.0.0.1/tcp/4101'],
      peers: ['/ip4/10.0.0.2/tcp/4001/p2p/12D3KooWabc', '/ip4/10.0.0.3/tcp/4001/p2p/12D3KooWdef'],
      fetchTimeoutMillis: 30_000,
    });
    expect(config.protect.ledger).toEqual({ kind: 'evm', rpcUrl: 'http://127.0.0.1:8545', privateKey: key, contractAddress: address });
  });

  it('refuses an incomplete EVM setting without echoing the key', () => {
    expect(() => loadConfig({ HIE_LEDGER: 'evm' })).toThrow(/HIE_EVM_RPC_URL is required/);
    const secret = '0xnot-a-key-but-secret';
    let message = '';
    try {
      loadConfig({ HIE_LEDGER: 'evm', HIE_EVM_RPC_URL: 'http://127.0.0.1:8545', HIE_EVM_PRIVATE_KEY: secret, HIE_EVM_CONTRACT: `0x${'12'.repeat(20)}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/HIE_EVM_PRIVATE_KEY must be 0x/);
    expect(message).not.toContain(secret);
  });
});

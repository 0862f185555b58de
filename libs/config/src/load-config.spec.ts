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

  it('takes the source time zone as a UTC offset', () => {
    expect(loadConfig({}).sourceTimezone).toBeUndefined();
    expect(loadConfig({ HIE_SOURCE_TIMEZONE: '-05:00' }).sourceTimezone).toBe('-05:00');
  });
});

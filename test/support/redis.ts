import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The server tests use; override with TEST_REDIS_URL. */
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A unique key prefix for one test run on the local Redis. */
export interface TestRedisPrefix {
  url: string;
  /** e.g. `hie-test-1a2b3c4d5e6f` (use as the BullMQ prefix / HIE_QUEUE_PREFIX). */
  prefix: string;
  /** Deletes every `<prefix>:*` key. */
  cleanup(): Promise<void>;
}

/** A fresh prefix; call `cleanup()` in afterAll. */
export function createRedisPrefix(): TestRedisPrefix {
  const prefix = `hie-test-${randomBytes(6).toString('hex')}`;
  return { url: REDIS_URL, prefix, cleanup: () => deleteKeys(`${prefix}:*`) };
}

/** The keys under a prefix (`<prefix>:*`), for tests of cleanup and isolation. */
export async function listKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const found: string[] = [];
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) found.push(...keys);
    return found;
  } finally {
    redis.disconnect();
  }
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

import type { SqlRunner } from '../sql/sql-runner.js';
import { uidLockKey } from './uid-lock-key.js';

/** Advisory-lock class of DICOM studies (any fixed number, apart from the other lock classes). */
const STUDY_LOCK_CLASS = 0x4443_4d53;


/**
 * Runs `body` holding the studies across every process of the deployment: on PostgreSQL a
 * session advisory lock per study (on a connection of its own, taken in sorted order, released
 * after `body` whatever happens); on SQLite, whose deployments are one process, nothing more is
 * needed than the caller's in-process lock.
 */
export async function withStudyLocks<T>(sql: SqlRunner, studyUids: readonly string[], body: () => Promise<T>): Promise<T> {
  const keys = [...new Set(studyUids.map(uidLockKey))].sort((a, b) => a - b);
  if (sql.dialect !== 'postgres' || keys.length === 0) return body();
  const client = await sql.pg.connect();
  let held = 0;
  try {
    for (const key of keys) {
      await client.query(`SELECT pg_advisory_lock(${STUDY_LOCK_CLASS}, ${key})`);
      held++;
    }
    return await body();
  } finally {
    let broken = false;
    for (const key of keys.slice(0, held)) {
      await client.query(`SELECT pg_advisory_unlock(${STUDY_LOCK_CLASS}, ${key})`).catch(() => (broken = true));
    }
    // A connection that could not unlock is closed, which drops its locks.
    client.release(broken ? true : undefined);
  }
}

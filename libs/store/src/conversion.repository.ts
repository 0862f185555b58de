import type { DataSource } from 'typeorm';
import type { CommitResult, ConversionOutcome } from './conversion.model.js';
import { commitOnPostgres } from './fhir-store/postgres-conversion.writer.js';
import { commitOnSqlite } from './fhir-store/sqlite-conversion.writer.js';
import { SqlRunner } from './sql/sql-runner.js';

/** Records conversion results: FHIR store writes and message status, atomically, exactly once. */
export class ConversionRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /**
   * ONE database transaction for the whole batch. Each outcome is applied only if its message
   * is still `received` (else `skipped`), so a redelivered job never converts a message twice.
   * `converted`: every entry becomes a new resource version (previous + 1, meta.versionId and
   * meta.lastUpdated set, a history row, the search index rebuilt), in message order, unless
   * its content equals the version it would replace (meta.versionId/lastUpdated aside): such a
   * no-op update writes nothing. The message becomes `converted` with its resourceCount (all
   * entries), processedAt and attempts + 1. PostgreSQL commits optimistically (no row locks
   * while planning; a batch that loses a race with a concurrent commit is retried). A PATCH
   * that cannot apply (RFC 6902 error; on a missing resource it starts from
   * `{resourceType, id}`) turns that message into `failed` with nothing written for it.
   * `failed`: the message becomes `failed` with its outcome, attempts + 1.
   */
  async commit(outcomes: readonly ConversionOutcome[]): Promise<CommitResult> {
    if (outcomes.length === 0) return new Map();
    const plan = this.sql.dialect === 'postgres' ? await commitOnPostgres(this.sql, outcomes) : commitOnSqlite(this.sql, outcomes);
    return plan.results;
  }
}

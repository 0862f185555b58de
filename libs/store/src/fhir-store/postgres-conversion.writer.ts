import type { ConversionOutcome } from '../conversion.model.js';
import { isUuid } from '../sql/batching.js';
import { pgColumns } from '../sql/pg-columns.js';
import type { PgClient, SqlRunner } from '../sql/sql-runner.js';
import { keysToRead, planConversion, prepareOutcomes, splitKey } from './conversion.planner.js';
import type { ConversionPlan, CurrentVersion, ResourceKey } from './conversion.planner.js';

/** PostgreSQL errors a retry resolves: a concurrent first insert of a resource, deadlock, serialization. */
const RETRYABLE = new Set(['23505', '40P01', '40001']);
const MAX_ATTEMPTS = 6;

/**
 * Commits a batch on PostgreSQL in one transaction:
 * 1. lock the batch's messages still `received` (`FOR UPDATE`, in id order; a concurrent
 *    commit of the same message waits, then sees it is no longer `received` and skips it);
 * 2. lock the current rows of every resource touched (key order, so batches never deadlock);
 * 3. plan in memory; 4. write with one statement per table (unnest arrays, no parameter limit).
 * Two batches creating the same new resource at once collide on the history primary key;
 * the loser rolls back and retries, then sees the winner's version.
 */
export async function commitOnPostgres(sql: SqlRunner, outcomes: readonly ConversionOutcome[]): Promise<ConversionPlan> {
  const prepared = prepareOutcomes(outcomes);
  const ids = [...new Set(outcomes.map((o) => o.messageId).filter(isUuid))].sort();
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.pgTransaction(async (client) => {
        const locked = await client.query<{ id: string }>(
          `SELECT id FROM message WHERE id = ANY($1::uuid[]) AND status = 'received' ORDER BY id FOR UPDATE`,
          [ids],
        );
        const receivable = new Set(locked.rows.map((r) => r.id));
        const current = await lockResources(client, keysToRead(prepared, receivable));
        const plan = planConversion(prepared, receivable, current, new Date());
        await writePlan(client, plan);
        return plan;
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

async function lockResources(client: PgClient, keys: Map<ResourceKey, boolean>): Promise<Map<ResourceKey, CurrentVersion>> {
  const current = new Map<ResourceKey, CurrentVersion>();
  if (keys.size === 0) return current;
  const types: string[] = [];
  const ids: string[] = [];
  const needContent: boolean[] = [];
  for (const [key, need] of keys) {
    const { type, id } = splitKey(key);
    types.push(type);
    ids.push(id);
    needContent.push(need);
  }
  const k = pgColumns([[types, 'text'], [ids, 'text'], [needContent, 'bool']]);
  const result = await client.query<{ type: string; id: string; version_id: number; content: string | null }>(
    `SELECT r.type, r.id, r.version_id, CASE WHEN k.need THEN r.content END AS content
     FROM fhir_resource r JOIN unnest(${k.sql.join(', ')}) AS k(type, id, need) ON r.type = k.type AND r.id = k.id
     ORDER BY r.type, r.id FOR UPDATE OF r`,
    k.params,
  );
  for (const row of result.rows) {
    current.set(`${row.type}/${row.id}`, { versionId: row.version_id, ...(row.content !== null ? { content: row.content } : {}) });
  }
  return current;
}

async function writePlan(client: PgClient, plan: ConversionPlan): Promise<void> {
  const now = plan.now;
  if (plan.history.length > 0) {
    const h = plan.history;
    const v = pgColumns([
      [h.map((r) => r.type), 'text'], [h.map((r) => r.id), 'text'], [h.map((r) => r.versionId), 'int'], [h.map((r) => r.content), 'text'],
      [h.map((r) => r.messageId), 'uuid'], [h.map((r) => plan.existingKeys.has(`${r.type}/${r.id}`)), 'bool'],
    ]);
    // One statement, each content sent once: history gets every version; of the last version per
    // key, existing rows are updated and new ones inserted. Plain INSERTs (no ON CONFLICT): the
    // rows were locked above, and a concurrent first insert of a key fails on a primary key and
    // the transaction is retried.
    await client.query(
      `WITH v AS (
         SELECT * FROM unnest(${v.sql.join(', ')}) AS v(type, id, version_id, content, message_id, existing)
       ), h AS (
         INSERT INTO fhir_resource_history (type, id, version_id, last_updated, content, message_id)
         SELECT type, id, version_id, $7, content, message_id FROM v
       ), latest AS (
         SELECT DISTINCT ON (type, id) * FROM v ORDER BY type, id, version_id DESC
       ), u AS (
         UPDATE fhir_resource r SET version_id = l.version_id, last_updated = $7, content = l.content, message_id = l.message_id
         FROM latest l WHERE l.existing AND r.type = l.type AND r.id = l.id
       )
       INSERT INTO fhir_resource (type, id, version_id, last_updated, content, message_id)
       SELECT type, id, version_id, $7, content, message_id FROM latest WHERE NOT existing`,
      [...v.params, now],
    );
    await replaceIndex(client, plan);
  }
  if (plan.messageUpdates.length > 0) {
    const u = [...plan.messageUpdates].sort((a, b) => (a.id < b.id ? -1 : 1));
    await client.query(
      `UPDATE message m SET status = v.status, outcome = v.outcome, attempts = m.attempts + 1,
         resource_count = COALESCE(v.resource_count, m.resource_count), processed_at = $5, updated_at = $5
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) AS v(id, status, outcome, resource_count)
       WHERE m.id = v.id`,
      [u.map((x) => x.id), u.map((x) => x.status), u.map((x) => x.outcome), u.map((x) => x.resourceCount), now],
    );
  }
}

/** Replaces the index rows of every written resource: delete the old (existing keys only), insert the new. */
async function replaceIndex(client: PgClient, plan: ConversionPlan): Promise<void> {
  const existing = [...plan.existingKeys].map(splitKey);
  if (existing.length > 0) {
    const k = pgColumns([[existing.map((e) => e.type), 'text'], [existing.map((e) => e.id), 'text']]);
    await client.query(
      `WITH k AS (SELECT * FROM unnest(${k.sql.join(', ')}) AS k(type, id)),
         t AS (DELETE FROM fhir_search_token t USING k WHERE t.type = k.type AND t.id = k.id)
       DELETE FROM fhir_search_reference r USING k WHERE r.type = k.type AND r.id = k.id`,
      k.params,
    );
  }
  const tokens: string[][] = [[], [], [], [], []];
  const refs: string[][] = [[], [], [], [], []];
  for (const [key, entries] of plan.index) {
    const { type, id } = splitKey(key);
    for (const t of entries.tokens) [type, id, t.param, t.system, t.value].forEach((v, i) => tokens[i]!.push(v));
    for (const r of entries.references) [type, id, r.param, r.targetType, r.targetId].forEach((v, i) => refs[i]!.push(v));
  }
  if (tokens[0]!.length + refs[0]!.length === 0) return;
  // Entries are deduplicated per resource and old rows are gone: plain INSERTs, no conflict handling.
  const c = pgColumns([...tokens, ...refs].map((values) => [values, 'text'] as const));
  await client.query(
    `WITH t AS (
       INSERT INTO fhir_search_token (type, id, param, system, value)
       SELECT * FROM unnest(${c.sql.slice(0, 5).join(', ')})
     )
     INSERT INTO fhir_search_reference (type, id, param, target_type, target_id)
     SELECT * FROM unnest(${c.sql.slice(5).join(', ')})`,
    c.params,
  );
}

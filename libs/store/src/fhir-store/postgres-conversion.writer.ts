import { createHash } from 'node:crypto';
import { HieError } from '@hie/common';
import type { ConversionOutcome } from '../conversion.model.js';
import { isUuid } from '../sql/batching.js';
import { pgColumns } from '../sql/pg-columns.js';
import type { PgClient, SqlRunner } from '../sql/sql-runner.js';
import { keysToRead, planConversion, prepareOutcomes, splitKey } from './conversion.planner.js';
import type { ConversionPlan, CurrentVersion, PreparedOutcome, ResourceKey, VersionRow } from './conversion.planner.js';

/**
 * PostgreSQL errors a retry resolves: a concurrent insert of the same resource version
 * (history primary key), deadlock, serialization failure.
 */
const RETRYABLE = new Set(['23505', '40P01', '40001']);
/** Lost races are retried from a fresh read; a hot resource changed by every batch needs a few. */
const MAX_ATTEMPTS = 10;
/**
 * Conversion commits do not wait for the WAL flush. Safe: the message row (made durable by
 * insertMany before the ACK) and its conversion commit together or not at all, so a commit a
 * server crash loses leaves its messages `received`, and the recovery sweep converts them
 * again. It halves a commit's latency, so fewer commits are in flight.
 */
const ASYNC_COMMIT = { synchronousCommit: false } as const;
/** After this many lost races the batch takes row locks (see commitLocked), so it cannot starve. */
const OPTIMISTIC_ATTEMPTS = 3;

type Column = Parameters<typeof pgColumns>[0][number];

function byKey(a: VersionRow, b: VersionRow): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.versionId - b.versionId;
}

/** A prepared statement's name per SQL text (a few variants: pgColumns packs columns two ways). */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `hie_commit_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A concurrent commit changed a resource this plan was computed from: retried from a fresh
 * read, and thrown only if every attempt lost (the queue then retries the job).
 */
class CommitConflictError extends HieError {
  constructor() {
    super('STORE_COMMIT_CONFLICT', 'A resource changed since the commit read it');
  }
}

/**
 * Commits a batch on PostgreSQL with optimistic concurrency, so batches that share resources
 * (the sending facility, the same practitioners) do not serialise on row locks:
 * 1. before BEGIN: read the current rows of every resource touched, in one query without
 *    locks, and plan in memory (unchanged PUTs are no-ops and write nothing);
 * 2. BEGIN; lock the batch's messages still `received` (`FOR UPDATE`, in id order: the
 *    exactly-once guard; a concurrent commit of the same message waits, then skips it);
 *    replan only if some message was not `received`;
 * 3. ONE statement writes everything: current rows updated only where still at the version
 *    read (new ones inserted), history, index rows, message statuses; it also counts the rows
 *    read but not written (no-ops) that changed meanwhile; COMMIT.
 * A lost race (a row changed since the read, or a primary key another commit took first) rolls
 * back and the whole batch is retried from a fresh read. Row locks are held only from that
 * statement to COMMIT, never while planning. After OPTIMISTIC_ATTEMPTS lost races the batch
 * locks the rows it reads (commitLocked) so a resource every batch changes cannot starve it.
 */
export async function commitOnPostgres(sql: SqlRunner, outcomes: readonly ConversionOutcome[]): Promise<ConversionPlan> {
  const prepared = prepareOutcomes(outcomes);
  const ids = [...new Set(outcomes.map((o) => o.messageId).filter(isUuid))].sort();
  const candidates = new Set(ids);
  const keys = keysToRead(prepared, candidates);
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt > OPTIMISTIC_ATTEMPTS) return await commitLocked(sql, prepared, ids);
      const current = await readCurrent(sql.pg, keys, false);
      const now = new Date();
      // Planned for the common case, every message still `received`; redone in the transaction otherwise.
      const optimistic = planConversion(prepared, candidates, current, now, keys);
      return await sql.pgTransaction(async (client) => {
        const receivable = await lockMessages(client, ids);
        const plan = receivable.size === ids.length ? optimistic : planConversion(prepared, receivable, current, now, keysToRead(prepared, receivable));
        await writePlan(client, plan);
        return plan;
      }, ASYNC_COMMIT);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= MAX_ATTEMPTS || !(error instanceof CommitConflictError || (typeof code === 'string' && RETRYABLE.has(code)))) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * The fallback when optimistic attempts keep losing (a resource every concurrent batch
 * changes): read the current rows `FOR UPDATE` inside the transaction, in key order, so this
 * commit cannot lose to a concurrent update (only to a concurrent first insert).
 */
async function commitLocked(sql: SqlRunner, prepared: readonly PreparedOutcome[], ids: string[]): Promise<ConversionPlan> {
  return sql.pgTransaction(async (client) => {
    const receivable = await lockMessages(client, ids);
    const keys = keysToRead(prepared, receivable);
    const current = await readCurrent(client, keys, true);
    const plan = planConversion(prepared, receivable, current, new Date(), keys);
    await writePlan(client, plan);
    return plan;
  }, ASYNC_COMMIT);
}

/** The exactly-once guard: locks the batch's messages still `received` (id order), returns their ids. */
async function lockMessages(client: PgClient, ids: string[]): Promise<Set<string>> {
  const locked = await client.query<{ id: string }>(
    `SELECT id FROM message WHERE id = ANY($1::uuid[]) AND status = 'received' ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Set(locked.rows.map((r) => r.id));
}

/** The current rows of `keys`, with content, in one query; without locks unless `lock` (then in key order). */
async function readCurrent(client: PgClient, keys: readonly ResourceKey[], lock: boolean): Promise<Map<ResourceKey, CurrentVersion>> {
  const current = new Map<ResourceKey, CurrentVersion>();
  if (keys.length === 0) return current;
  const split = keys.map(splitKey);
  const k = pgColumns([[split.map((s) => s.type), 'text'], [split.map((s) => s.id), 'text']]);
  const result = await client.query<{ type: string; id: string; version_id: number; content: string }>(
    `SELECT r.type, r.id, r.version_id, r.content
     FROM fhir_resource r JOIN unnest(${k.sql.join(', ')}) AS k(type, id) ON r.type = k.type AND r.id = k.id
     ${lock ? 'ORDER BY r.type, r.id FOR UPDATE OF r' : ''}`,
    k.params,
  );
  for (const row of result.rows) current.set(`${row.type}/${row.id}`, { versionId: row.version_id, content: row.content });
  return current;
}

/**
 * Writes a plan in one statement. Current rows: an existing one is locked (key order, so
 * batches never deadlock on it) and updated only if still at the version read (else a lost
 * race: the count falls short). New ones and history rows are plain INSERTs (ON CONFLICT's
 * speculative insertion costs more): a key or version another commit wrote first fails on
 * the primary key, and the batch is retried. Index rows of a rewritten resource: the stale
 * ones deleted, the missing ones inserted, so rows that did not change stay; both halves read
 * the statement's snapshot, so they are right whatever order PostgreSQL runs them in. A new
 * resource has no index rows yet: plain INSERTs.
 */
async function writePlan(client: PgClient, plan: ConversionPlan): Promise<void> {
  // Rows in key order (versions ascending), which is also the order they are inserted in:
  // two batches creating the same new resources wait on each other in one order, never a cycle.
  const h = [...plan.history].sort(byKey);
  const prev = new Map(plan.current.map((r) => [`${r.type}/${r.id}`, r]));
  const g = plan.unchanged;
  const u = [...plan.messageUpdates].sort((a, b) => (a.id < b.id ? -1 : 1));
  // Index rows, each with whether its resource existed: only those can meet an old row.
  const tokens: string[][] = [[], [], [], [], []];
  const refs: string[][] = [[], [], [], [], []];
  const tokenOfExisting: boolean[] = [];
  const refOfExisting: boolean[] = [];
  for (const [key, entries] of plan.index) {
    const { type, id } = splitKey(key);
    const existed = prev.get(key)!.prev > 0;
    for (const t of entries.tokens) {
      [type, id, t.param, t.system, t.value].forEach((v, i) => tokens[i]!.push(v));
      tokenOfExisting.push(existed);
    }
    for (const r of entries.references) {
      [type, id, r.param, r.targetType, r.targetId].forEach((v, i) => refs[i]!.push(v));
      refOfExisting.push(existed);
    }
  }
  const existing = plan.current.filter((r) => r.prev > 0);
  // Per history row: the version it replaces if it is the key's last one (it becomes current), else -1.
  const replaces = h.map((r) => {
    const current = prev.get(`${r.type}/${r.id}`)!;
    return current.versionId === r.versionId ? current.prev : -1;
  });
  const p = pgColumns([
    // 1-6 versions: type, id, version_id, content, message_id, replaces
    [h.map((r) => r.type), 'text'], [h.map((r) => r.id), 'text'], [h.map((r) => r.versionId), 'int'], [h.map((r) => r.content), 'text'],
    [h.map((r) => r.messageId), 'uuid'], [replaces, 'int'],
    // 7-9 unchanged rows: type, id, version read
    [g.map((r) => r.type), 'text'], [g.map((r) => r.id), 'text'], [g.map((r) => r.versionId), 'int'],
    // 10-14 tokens, 15-19 references
    ...[...tokens, ...refs].map((values): Column => [values, 'text']),
    // 20-21 existing keys written (their stale index rows go)
    [existing.map((r) => r.type), 'text'], [existing.map((r) => r.id), 'text'],
    // 22-25 message updates
    [u.map((x) => x.id), 'uuid'], [u.map((x) => x.status), 'text'], [u.map((x) => x.outcome), 'text'], [u.map((x) => x.resourceCount), 'int'],
    // 26-27 whether each token / reference row's resource existed
    [tokenOfExisting, 'bool'], [refOfExisting, 'bool'],
  ]);
  const $ = p.sql;
  const text = `WITH v AS (
       SELECT * FROM unnest(${$.slice(0, 6).join(', ')}) AS v(type, id, version_id, content, message_id, replaces)
     ), locked AS (
       SELECT r.type, r.id FROM fhir_resource r JOIN v ON v.replaces > 0 AND r.type = v.type AND r.id = v.id AND r.version_id = v.replaces
       ORDER BY r.type, r.id FOR UPDATE OF r
     ), updated AS (
       UPDATE fhir_resource r SET version_id = v.version_id, last_updated = $28, content = v.content, message_id = v.message_id
       FROM v JOIN locked k ON k.type = v.type AND k.id = v.id
       WHERE v.replaces > 0 AND r.type = v.type AND r.id = v.id AND r.version_id = v.replaces
       RETURNING 1
     ), inserted AS (
       INSERT INTO fhir_resource (type, id, version_id, last_updated, content, message_id)
       SELECT type, id, version_id, $28, content, message_id FROM v WHERE replaces = 0
       RETURNING 1
     ), history AS (
       INSERT INTO fhir_resource_history (type, id, version_id, last_updated, content, message_id)
       SELECT type, id, version_id, $28, content, message_id FROM v
     ), unchanged AS (
       SELECT count(*)::int AS n FROM unnest(${$.slice(6, 9).join(', ')}) AS g(type, id, version_id)
       LEFT JOIN fhir_resource r ON r.type = g.type AND r.id = g.id
       WHERE COALESCE(r.version_id, 0) <> g.version_id
     ), new_tokens AS (
       SELECT * FROM unnest(${$.slice(9, 14).join(', ')}, ${$[25]}) AS t(type, id, param, system, value, existed)
     ), new_refs AS (
       SELECT * FROM unnest(${$.slice(14, 19).join(', ')}, ${$[26]}) AS t(type, id, param, target_type, target_id, existed)
     ), rewritten AS (
       SELECT * FROM unnest(${$.slice(19, 21).join(', ')}) AS k(type, id)
     ), stale_tokens AS (
       DELETE FROM fhir_search_token t USING rewritten k WHERE t.type = k.type AND t.id = k.id
         AND NOT EXISTS (SELECT 1 FROM new_tokens n WHERE n.type = t.type AND n.id = t.id AND n.param = t.param AND n.system = t.system AND n.value = t.value)
     ), stale_refs AS (
       DELETE FROM fhir_search_reference t USING rewritten k WHERE t.type = k.type AND t.id = k.id
         AND NOT EXISTS (SELECT 1 FROM new_refs n WHERE n.type = t.type AND n.id = t.id AND n.param = t.param AND n.target_type = t.target_type AND n.target_id = t.target_id)
     ), token_rows AS (
       INSERT INTO fhir_search_token (type, id, param, system, value)
       SELECT n.type, n.id, n.param, n.system, n.value FROM new_tokens n WHERE NOT n.existed OR NOT EXISTS (
         SELECT 1 FROM fhir_search_token t WHERE t.type = n.type AND t.id = n.id AND t.param = n.param AND t.system = n.system AND t.value = n.value)
     ), ref_rows AS (
       INSERT INTO fhir_search_reference (type, id, param, target_type, target_id)
       SELECT n.type, n.id, n.param, n.target_type, n.target_id FROM new_refs n WHERE NOT n.existed OR NOT EXISTS (
         SELECT 1 FROM fhir_search_reference t WHERE t.type = n.type AND t.id = n.id AND t.param = n.param AND t.target_type = n.target_type AND t.target_id = n.target_id)
     ), messages AS (
       UPDATE message m SET status = x.status, outcome = x.outcome, attempts = m.attempts + 1,
         resource_count = COALESCE(x.resource_count, m.resource_count), processed_at = $28, updated_at = $28
       FROM unnest(${$.slice(21, 25).join(', ')}) AS x(id, status, outcome, resource_count)
       WHERE m.id = x.id
     )
     SELECT (SELECT count(*)::int FROM updated) + (SELECT count(*)::int FROM inserted) AS written,
            (SELECT n FROM unchanged) AS stale`;
  // A named statement: planned once per connection and text variant (planning the CTEs costs
  // about as much as running them for a small batch).
  const result = await client.query<{ written: number; stale: number }>({ name: statementName(text), text, values: [...p.params, plan.now] });
  const row = result.rows[0]!;
  if (row.written !== plan.current.length || row.stale !== 0) throw new CommitConflictError();
}

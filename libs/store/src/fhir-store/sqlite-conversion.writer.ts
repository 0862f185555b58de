import type { ConversionOutcome } from '../conversion.model.js';
import { sqliteDate } from '../sql/sql-runner.js';
import type { SqlRunner } from '../sql/sql-runner.js';
import { keysToRead, planConversion, prepareOutcomes, splitKey } from './conversion.planner.js';
import type { ConversionPlan, CurrentVersion, ResourceKey } from './conversion.planner.js';

/**
 * Commits a batch on SQLite: read, plan and write run synchronously inside one
 * `BEGIN IMMEDIATE` transaction, so no other writer (in this process or another) can
 * interleave and no race can be lost; prepared statements make each row a cheap call (one
 * indexed read per resource costs less than one big query). Unchanged PUTs write nothing.
 */
export function commitOnSqlite(sql: SqlRunner, outcomes: readonly ConversionOutcome[]): ConversionPlan {
  const db = sql.sqlite;
  const prepared = prepareOutcomes(outcomes);
  return db.transaction(() => {
    const isReceived = db.stmt(`SELECT 1 AS ok FROM message WHERE id = ? AND status = 'received'`);
    const receivable = new Set(outcomes.map((o) => o.messageId).filter((id) => isReceived.get(id) !== undefined));
    const readVersion = db.stmt(`SELECT version_id, content FROM fhir_resource WHERE type = ? AND id = ?`);
    const current = new Map<ResourceKey, CurrentVersion>();
    const keys = keysToRead(prepared, receivable);
    for (const key of keys) {
      const { type, id } = splitKey(key);
      const row = readVersion.get(type, id) as { version_id: number; content: string } | undefined;
      if (row) current.set(key, { versionId: row.version_id, content: row.content });
    }
    const plan = planConversion(prepared, receivable, current, new Date(), keys);
    writePlan(sql, plan, sqliteDate(plan.now));
    return plan;
  });
}

function writePlan(sql: SqlRunner, plan: ConversionPlan, now: string): void {
  const db = sql.sqlite;
  const insertHistory = db.stmt(
    `INSERT INTO fhir_resource_history (type, id, version_id, last_updated, content, message_id) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const r of plan.history) insertHistory.run(r.type, r.id, r.versionId, now, r.content, r.messageId);
  const upsert = db.stmt(
    `INSERT INTO fhir_resource (type, id, version_id, last_updated, content, message_id) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
       content = excluded.content, message_id = excluded.message_id`,
  );
  for (const r of plan.current) upsert.run(r.type, r.id, r.versionId, now, r.content, r.messageId);
  const deleteTokens = db.stmt(`DELETE FROM fhir_search_token WHERE type = ? AND id = ?`);
  const deleteRefs = db.stmt(`DELETE FROM fhir_search_reference WHERE type = ? AND id = ?`);
  for (const key of plan.existingKeys) {
    const { type, id } = splitKey(key);
    deleteTokens.run(type, id);
    deleteRefs.run(type, id);
  }
  const insertToken = db.stmt(`INSERT OR IGNORE INTO fhir_search_token (type, id, param, system, value) VALUES (?, ?, ?, ?, ?)`);
  const insertRef = db.stmt(
    `INSERT OR IGNORE INTO fhir_search_reference (type, id, param, target_type, target_id) VALUES (?, ?, ?, ?, ?)`,
  );
  for (const [key, entries] of plan.index) {
    const { type, id } = splitKey(key);
    for (const t of entries.tokens) insertToken.run(type, id, t.param, t.system, t.value);
    for (const r of entries.references) insertRef.run(type, id, r.param, r.targetType, r.targetId);
  }
  const updateMessage = db.stmt(
    `UPDATE message SET status = ?, outcome = ?, attempts = attempts + 1, resource_count = COALESCE(?, resource_count),
       processed_at = ?, updated_at = ? WHERE id = ?`,
  );
  for (const u of plan.messageUpdates) updateMessage.run(u.status, u.outcome, u.resourceCount, now, now, u.id);
}

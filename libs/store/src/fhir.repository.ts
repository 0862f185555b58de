import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import type { FhirResource } from '@hie/fhir';
import { clampInt } from './sql/batching.js';
import { SqlRunner } from './sql/sql-runner.js';

/** Criteria of {@link FhirRepository.search}. */
export interface FhirSearchCriteria {
  /** Token: `system|value`, `|value` (no system) or `value` (any system). */
  identifier?: string;
  /** `Patient/<id>` or `<id>`, matched against the resource's patient/subject/beneficiary reference. */
  patient?: string;
  /** Page size: default 50, at most 1000. */
  count?: number;
  offset?: number;
}

/** One page of search results. */
export interface FhirSearchResult {
  total: number;
  resources: FhirResource[];
}

/** A resource version written by a message. */
export interface VersionRef {
  type: string;
  id: string;
  versionId: string;
}

/** Reads the FHIR store: current versions, history and the search index. */
export class FhirRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  async read(type: string, id: string): Promise<FhirResource | undefined> {
    const rows = await this.sql.all<{ content: string }>(`SELECT content FROM fhir_resource WHERE type = ? AND id = ?`, [type, id]);
    return rows[0] ? parse(rows[0].content) : undefined;
  }

  async vread(type: string, id: string, versionId: string): Promise<FhirResource | undefined> {
    if (!/^[1-9][0-9]{0,9}$/.test(versionId)) return undefined;
    const rows = await this.sql.all<{ content: string }>(
      `SELECT content FROM fhir_resource_history WHERE type = ? AND id = ? AND version_id = ?`,
      [type, id, Number(versionId)],
    );
    return rows[0] ? parse(rows[0].content) : undefined;
  }

  /** Every version, newest first. */
  async history(type: string, id: string): Promise<FhirResource[]> {
    const rows = await this.sql.all<{ content: string }>(
      `SELECT content FROM fhir_resource_history WHERE type = ? AND id = ? ORDER BY version_id DESC`,
      [type, id],
    );
    return rows.map((r) => parse(r.content));
  }

  /** Current versions matching all given criteria, most recently updated first. */
  async search(type: string, criteria: FhirSearchCriteria): Promise<FhirSearchResult> {
    const where = ['r.type = ?'];
    const params: unknown[] = [type];
    if (criteria.identifier !== undefined) {
      const bar = criteria.identifier.indexOf('|');
      const value = bar < 0 ? criteria.identifier : criteria.identifier.slice(bar + 1);
      where.push(
        `EXISTS (SELECT 1 FROM fhir_search_token t WHERE t.type = r.type AND t.id = r.id AND t.param = 'identifier' AND t.value = ?${bar < 0 ? '' : ' AND t.system = ?'})`,
      );
      params.push(value);
      if (bar >= 0) params.push(criteria.identifier.slice(0, bar));
    }
    if (criteria.patient !== undefined) {
      const match = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(criteria.patient);
      if (!match) throw new InvalidInputError('FHIR_SEARCH_INVALID', 'patient must be Patient/<id> or <id>');
      where.push(
        `EXISTS (SELECT 1 FROM fhir_search_reference s WHERE s.type = r.type AND s.id = r.id AND s.param = 'patient' AND s.target_type = 'Patient' AND s.target_id = ?)`,
      );
      params.push(match[1]);
    }
    const count = clampInt(criteria.count, 50, 0, 1000);
    const offset = clampInt(criteria.offset, 0, 0, Number.MAX_SAFE_INTEGER);
    const filter = where.join(' AND ');
    const [totals, rows] = await Promise.all([
      this.sql.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM fhir_resource r WHERE ${filter}`, params),
      count === 0
        ? Promise.resolve([])
        : this.sql.all<{ content: string }>(
            `SELECT r.content FROM fhir_resource r WHERE ${filter} ORDER BY r.last_updated DESC, r.id LIMIT ${count} OFFSET ${offset}`,
            params,
          ),
    ]);
    return { total: Number(totals[0]?.n ?? 0), resources: rows.map((r) => parse(r.content)) };
  }

  /** Versions written by one message, in write order. */
  async versionsByMessage(messageId: string): Promise<VersionRef[]> {
    if (!/^[0-9a-f-]{36}$/i.test(messageId)) return [];
    const rows = await this.sql.all<{ type: string; id: string; version_id: number }>(
      `SELECT type, id, version_id FROM fhir_resource_history WHERE message_id = ? ORDER BY type, id, version_id`,
      [messageId],
    );
    return rows.map((r) => ({ type: r.type, id: r.id, versionId: String(r.version_id) }));
  }
}

function parse(content: string): FhirResource {
  return JSON.parse(content) as FhirResource;
}

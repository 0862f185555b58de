import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import { inList } from '../sql/id-list.js';
import { SqlRunner } from '../sql/sql-runner.js';
import type { DicomInstanceRow } from './dicom-instance.model.js';
import { DICOM_INSTANCE_COLUMNS, toDicomInstance, type DicomInstanceDbRow } from './dicom-instance.row-mapper.js';

/**
 * QIDO-RS matching keys over `dicom_instance`. Text values holding `*` or `?` match as DICOM
 * wildcards (PS3.4 C.2.2.2.4), case-insensitively; other text values match exactly. Lists match
 * any of their values (UID list matching). Absent keys match everything.
 */
export interface DicomQueryCriteria {
  readonly studyInstanceUids?: readonly string[];
  readonly seriesInstanceUids?: readonly string[];
  readonly sopInstanceUids?: readonly string[];
  readonly sopClassUids?: readonly string[];
  readonly patientId?: string;
  /** PN text, e.g. `DOE^J*`. */
  readonly patientName?: string;
  /** Inclusive `YYYYMMDD` bounds; either may be open. */
  readonly studyDate?: { readonly from?: string; readonly to?: string };
  readonly accessionNumber?: string;
  readonly studyDescription?: string;
  /** Study level: ModalitiesInStudy (a study matches when any of its instances has one). Series/instance level: Modality. */
  readonly modalities?: readonly string[];
  readonly seriesNumber?: number;
  readonly instanceNumber?: number;
}

/** Paging of a search. */
export interface DicomQueryPage {
  readonly limit: number;
  readonly offset: number;
}

/** A study as QIDO-RS answers it: one instance's row for the study-level values, and the study's counts. */
export interface DicomStudyMatch {
  /** An instance of the study (its study- and patient-level values and metadata speak for the study). */
  readonly sample: DicomInstanceRow;
  readonly seriesCount: number;
  readonly instanceCount: number;
  /** Distinct Modality values of the study's instances, sorted. */
  readonly modalities: readonly string[];
  /** Distinct SOP Class UIDs of the study's instances, sorted. */
  readonly sopClassUids: readonly string[];
}

/** A series as QIDO-RS answers it. */
export interface DicomSeriesMatch {
  readonly sample: DicomInstanceRow;
  readonly instanceCount: number;
}

/** Largest page a search returns, whatever the caller asks. */
export const DICOM_QUERY_MAX_LIMIT = 5000;
/** Most values of one UID list key. */
const MAX_LIST_VALUES = 1000;

const SELECT_ROW = DICOM_INSTANCE_COLUMNS.join(', ');

/**
 * QIDO-RS searches over `dicom_instance` (the index of stored instances), on PostgreSQL and
 * SQLite alike. Study and series matches are found on instance rows, then counted over all the
 * rows of the matching studies/series: a ModalitiesInStudy=MR match still reports every series.
 * Also the WADO-RS lookups (instances of a study, series, or one instance by its three UIDs).
 */
export class DicomQueryRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /** Matching studies ordered by Study Instance UID. */
  async searchStudies(criteria: DicomQueryCriteria, page: DicomQueryPage): Promise<DicomStudyMatch[]> {
    const where = this.whereOf(criteria);
    const scope = where.clauses.length === 0 ? '' : `WHERE study_instance_uid IN (SELECT study_instance_uid FROM dicom_instance WHERE ${where.clauses.join(' AND ')})`;
    const groups = await this.sql.all<{ study_instance_uid: string; sample_uid: string; series_count: unknown; instance_count: unknown }>(
      `SELECT study_instance_uid, MIN(sop_instance_uid) AS sample_uid, COUNT(DISTINCT series_instance_uid) AS series_count, COUNT(*) AS instance_count
       FROM dicom_instance ${scope}
       GROUP BY study_instance_uid ORDER BY study_instance_uid LIMIT ? OFFSET ?`,
      [...where.params, ...paging(page)],
    );
    if (groups.length === 0) return [];
    const studies = groups.map((g) => g.study_instance_uid);
    const samples = await this.rowsBySop(groups.map((g) => g.sample_uid));
    const studyList = inList(this.sql, 'study_instance_uid', studies, 'text');
    const kinds = await this.sql.all<{ study_instance_uid: string; modality: string | null; sop_class_uid: string }>(
      `SELECT DISTINCT study_instance_uid, modality, sop_class_uid FROM dicom_instance WHERE ${studyList.clause}`,
      [studyList.param],
    );
    return groups.flatMap((g) => {
      const sample = samples.get(g.sample_uid);
      if (!sample) return []; // deleted (erasure) between the two reads
      const own = kinds.filter((k) => k.study_instance_uid === g.study_instance_uid);
      return [{
        sample,
        seriesCount: Number(g.series_count),
        instanceCount: Number(g.instance_count),
        modalities: distinctSorted(own.map((k) => k.modality)),
        sopClassUids: distinctSorted(own.map((k) => k.sop_class_uid)),
      }];
    });
  }

  /** Matching series ordered by Study, then Series Instance UID. */
  async searchSeries(criteria: DicomQueryCriteria, page: DicomQueryPage): Promise<DicomSeriesMatch[]> {
    const where = this.whereOf(criteria);
    const scope = where.clauses.length === 0 ? '' : `WHERE series_instance_uid IN (SELECT series_instance_uid FROM dicom_instance WHERE ${where.clauses.join(' AND ')})`;
    const groups = await this.sql.all<{ sample_uid: string; instance_count: unknown }>(
      `SELECT study_instance_uid, series_instance_uid, MIN(sop_instance_uid) AS sample_uid, COUNT(*) AS instance_count
       FROM dicom_instance ${scope}
       GROUP BY study_instance_uid, series_instance_uid ORDER BY study_instance_uid, series_instance_uid LIMIT ? OFFSET ?`,
      [...where.params, ...paging(page)],
    );
    const samples = await this.rowsBySop(groups.map((g) => g.sample_uid));
    return groups.flatMap((g) => {
      const sample = samples.get(g.sample_uid);
      return sample ? [{ sample, instanceCount: Number(g.instance_count) }] : [];
    });
  }

  /** Matching instances ordered by study, series, Instance Number, SOP Instance UID. */
  async searchInstances(criteria: DicomQueryCriteria, page: DicomQueryPage): Promise<DicomInstanceRow[]> {
    const where = this.whereOf(criteria);
    const rows = await this.sql.all<DicomInstanceDbRow>(
      `SELECT ${SELECT_ROW} FROM dicom_instance ${where.clauses.length === 0 ? '' : `WHERE ${where.clauses.join(' AND ')}`}
       ORDER BY study_instance_uid, series_instance_uid, COALESCE(instance_number, 0), sop_instance_uid LIMIT ? OFFSET ?`,
      [...where.params, ...paging(page)],
    );
    return rows.map(toDicomInstance);
  }

  /**
   * WADO-RS lookup: the instances of a study, of one series of it, or one instance, each UID
   * checked against its parents (an instance asked under the wrong study is not found).
   */
  async instancesUnder(uids: { study: string; series?: string; sop?: string }): Promise<DicomInstanceRow[]> {
    const clauses = ['study_instance_uid = ?'];
    const params: unknown[] = [uids.study];
    if (uids.series !== undefined) {
      clauses.push('series_instance_uid = ?');
      params.push(uids.series);
    }
    if (uids.sop !== undefined) {
      clauses.push('sop_instance_uid = ?');
      params.push(uids.sop);
    }
    const rows = await this.sql.all<DicomInstanceDbRow>(
      `SELECT ${SELECT_ROW} FROM dicom_instance WHERE ${clauses.join(' AND ')}
       ORDER BY series_instance_uid, COALESCE(instance_number, 0), sop_instance_uid`,
      params,
    );
    return rows.map(toDicomInstance);
  }

  private async rowsBySop(uids: readonly string[]): Promise<Map<string, DicomInstanceRow>> {
    if (uids.length === 0) return new Map();
    const list = inList(this.sql, 'sop_instance_uid', uids, 'text');
    const rows = await this.sql.all<DicomInstanceDbRow>(`SELECT ${SELECT_ROW} FROM dicom_instance WHERE ${list.clause}`, [list.param]);
    return new Map(rows.map((r) => [String(r.sop_instance_uid), toDicomInstance(r)]));
  }

  private whereOf(c: DicomQueryCriteria): { clauses: string[]; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const list = (column: string, values: readonly string[] | undefined): void => {
      if (values === undefined) return;
      if (values.length === 0 || values.length > MAX_LIST_VALUES) throw new InvalidInputError('DICOM_QUERY_INVALID', `A list matching key holds 1 to ${MAX_LIST_VALUES} values`);
      const l = inList(this.sql, column, values, 'text');
      clauses.push(l.clause);
      params.push(l.param);
    };
    const text = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      if (/[*?]/.test(value)) {
        clauses.push(`LOWER(${column}) LIKE ? ESCAPE '\\'`);
        params.push(likePattern(value).toLowerCase());
      } else {
        clauses.push(`${column} = ?`);
        params.push(value);
      }
    };
    const int = (column: string, value: number | undefined): void => {
      if (value === undefined) return;
      clauses.push(`${column} = ?`);
      params.push(value);
    };
    list('study_instance_uid', c.studyInstanceUids);
    list('series_instance_uid', c.seriesInstanceUids);
    list('sop_instance_uid', c.sopInstanceUids);
    list('sop_class_uid', c.sopClassUids);
    list('modality', c.modalities);
    text('patient_id', c.patientId);
    text('patient_name', c.patientName);
    text('accession_number', c.accessionNumber);
    text('study_description', c.studyDescription);
    int('series_number', c.seriesNumber);
    int('instance_number', c.instanceNumber);
    if (c.studyDate?.from !== undefined) {
      clauses.push('study_date >= ?');
      params.push(c.studyDate.from);
    }
    if (c.studyDate?.to !== undefined) {
      clauses.push('study_date <= ?');
      params.push(c.studyDate.to);
    }
    return { clauses, params };
  }
}

/** DICOM wildcards as a LIKE pattern (escape `\`): `*` → `%`, `?` → `_`, literal `%`, `_`, `\` escaped. */
export function likePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

function paging(page: DicomQueryPage): number[] {
  const limit = Math.max(0, Math.min(DICOM_QUERY_MAX_LIMIT, Math.trunc(page.limit)));
  const offset = Math.max(0, Math.trunc(page.offset));
  return [limit, offset];
}

function distinctSorted(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v.length > 0))].sort();
}

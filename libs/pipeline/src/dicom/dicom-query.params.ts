import { InvalidInputError } from '@hie/common';
import type { DicomQueryCriteria, DicomQueryPage } from '@hie/store';
import { tagOf } from './dicom-query.attributes.js';

/** The level a QIDO-RS route searches. */
export type QidoLevel = 'study' | 'series' | 'instance';

/** The UIDs a QIDO-RS route names in its path (`/studies/{study}/series/{series}/instances`). */
export interface QidoScope {
  readonly study?: string;
  readonly series?: string;
}

/** A QIDO-RS request, read. */
export interface QidoRequest {
  readonly level: QidoLevel;
  readonly scope: QidoScope;
  readonly criteria: DicomQueryCriteria;
  readonly page: DicomQueryPage;
  /** Extra tags to answer, or every attribute the index holds (`includefield=all`). */
  readonly includeFields: ReadonlySet<string> | 'all';
  /** Query keys this engine does not match on (answered with a Warning header, not refused). */
  readonly ignoredKeys: readonly string[];
  /** The path and query name disjoint UIDs: nothing can match (the lists are then empty). */
  readonly matchesNothing: boolean;
}

/** Query values as a framework hands them over: one string, repeated keys as an array. */
export type QueryValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Page size when the request names none. */
export const QIDO_DEFAULT_LIMIT = 1000;

const UID = /^[0-9]+(\.[0-9]+)*$/;
const DATE = /^[0-9]{8}$/;
const CODE_STRING = /^[A-Z0-9 _]{1,16}$/;
const MAX_TEXT = 256;

/**
 * Reads a QIDO-RS query (PS3.18 §8.3.4): attribute keys as keywords or tags, UID lists
 * (comma or backslash separated, or repeated), StudyDate as `a`, `a-b`, `a-`, `-b`,
 * ModalitiesInStudy/Modality lists, wildcard text, `limit`, `offset`, `includefield`,
 * `fuzzymatching` (accepted, not applied). Path UIDs narrow the search. Malformed values
 * throw InvalidInputError `DICOM_QUERY_INVALID` (400); unknown keys are listed in `ignoredKeys`.
 */
export function parseQidoRequest(level: QidoLevel, scope: QidoScope, query: QueryValues): QidoRequest {
  for (const uid of [scope.study, scope.series]) if (uid !== undefined) checkUid(uid);
  const c: Mutable<DicomQueryCriteria> = {};
  const page = { limit: QIDO_DEFAULT_LIMIT, offset: 0 };
  let includeFields: Set<string> | 'all' = new Set();
  const ignoredKeys: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const values = typeof raw === 'string' ? [raw] : [...raw];
    switch (key.toLowerCase()) {
      case 'limit':
        page.limit = nonNegativeInt(key, last(values));
        continue;
      case 'offset':
        page.offset = nonNegativeInt(key, last(values));
        continue;
      case 'includefield':
        if (includeFields === 'all') continue;
        for (const field of splitList(values, /,/)) {
          if (field === 'all') {
            includeFields = 'all';
            break;
          }
          const tag = tagOf(field);
          if (tag === undefined) throw invalid(`includefield names an unknown attribute`);
          includeFields.add(tag);
        }
        continue;
      case 'fuzzymatching':
        continue;
    }
    switch (tagOf(key)) {
      case '0020000D':
        c.studyInstanceUids = uidList(values);
        break;
      case '0020000E':
        c.seriesInstanceUids = uidList(values);
        break;
      case '00080018':
        c.sopInstanceUids = uidList(values);
        break;
      case '00080016':
        c.sopClassUids = uidList(values);
        break;
      case '00100020':
        c.patientId = text(key, values);
        break;
      case '00100010':
        c.patientName = text(key, values);
        break;
      case '00080050':
        c.accessionNumber = text(key, values);
        break;
      case '00081030':
        c.studyDescription = text(key, values);
        break;
      case '00080020':
        c.studyDate = dateRange(last(values));
        break;
      case '00080061':
      case '00080060':
        // Modality at series/instance level; ModalitiesInStudy at study level (any instance of the study).
        c.modalities = [...new Set([...(c.modalities ?? []), ...codeList(values)])];
        break;
      case '00200011':
        c.seriesNumber = nonNegativeInt(key, last(values));
        break;
      case '00200013':
        c.instanceNumber = nonNegativeInt(key, last(values));
        break;
      default:
        ignoredKeys.push(key);
    }
  }
  if (scope.study !== undefined) c.studyInstanceUids = narrow(c.studyInstanceUids, scope.study);
  if (scope.series !== undefined) c.seriesInstanceUids = narrow(c.seriesInstanceUids, scope.series);
  const matchesNothing = c.studyInstanceUids?.length === 0 || c.seriesInstanceUids?.length === 0;
  return { level, scope, criteria: c, page, includeFields, ignoredKeys, matchesNothing };
}

/** Throws DICOM_QUERY_INVALID unless `uid` is a DICOM UID (digits and dots, at most 64). */
export function checkUid(uid: string): string {
  if (uid.length > 64 || !UID.test(uid)) throw invalid('A UID must be digits and dots, at most 64 characters');
  return uid;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function invalid(message: string): InvalidInputError {
  return new InvalidInputError('DICOM_QUERY_INVALID', message);
}

function last(values: readonly string[]): string {
  return values[values.length - 1] ?? '';
}

function splitList(values: readonly string[], separator: RegExp): string[] {
  return values.flatMap((v) => v.split(separator)).map((v) => v.trim()).filter((v) => v.length > 0);
}

function uidList(values: readonly string[]): string[] {
  const uids = splitList(values, /[,\\]/);
  if (uids.length === 0) throw invalid('A UID matching key needs a value');
  return uids.map(checkUid);
}

function codeList(values: readonly string[]): string[] {
  const codes = splitList(values, /[,\\]/).map((v) => v.toUpperCase());
  if (codes.length === 0 || codes.some((v) => !CODE_STRING.test(v))) throw invalid('A modality is a code string of at most 16 characters');
  return codes;
}

function text(key: string, values: readonly string[]): string | undefined {
  const value = last(values).trim();
  if (value.length > MAX_TEXT) throw invalid(`${key} is too long`);
  // Empty value or a lone `*`: universal matching, same as no constraint.
  return value.length === 0 || /^\*+$/.test(value) ? undefined : value;
}

function nonNegativeInt(key: string, value: string): number {
  if (!/^[0-9]{1,9}$/.test(value.trim())) throw invalid(`${key} must be a non-negative integer`);
  return Number(value.trim());
}

function dateRange(value: string): { from?: string; to?: string } | undefined {
  const v = value.trim();
  if (v.length === 0) return undefined;
  const dash = v.indexOf('-');
  const [from, to] = dash === -1 ? [v, v] : [v.slice(0, dash), v.slice(dash + 1)];
  for (const d of [from, to]) if (d.length > 0 && !validDate(d)) throw invalid('StudyDate is YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end open)');
  if (from.length === 0 && to.length === 0) throw invalid('A StudyDate range needs at least one end');
  return { ...(from.length > 0 ? { from } : {}), ...(to.length > 0 ? { to } : {}) };
}

function validDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const month = Number(d.slice(4, 6));
  const day = Number(d.slice(6, 8));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** A path UID and a query list for the same key: both must hold (an empty intersection finds nothing). */
function narrow(list: readonly string[] | undefined, uid: string): string[] {
  return list === undefined || list.includes(uid) ? [uid] : [];
}

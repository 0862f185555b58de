import { HieError } from '@hie/common';
import { canonicalJson } from '@hie/fhir';
import type { FhirResource, OperationOutcome } from '@hie/fhir';
import type { ConversionOutcome } from '../conversion.model.js';
import { applyJsonPatch } from './json-patch.js';
import { extractSearchIndex } from './search-index.extractor.js';
import type { SearchIndexEntries } from './search-index.extractor.js';
import { parseTransaction } from './transaction-entry.parser.js';
import type { TransactionEntry } from './transaction-entry.parser.js';

/** `<Type>/<id>`. */
export type ResourceKey = string;

/** A resource's current row as the planner needs it (content: to compare with a PUT, or to PATCH). */
export interface CurrentVersion {
  versionId: number;
  content?: string;
}

/** One resource version to write. */
export interface VersionRow {
  type: string;
  id: string;
  versionId: number;
  content: string;
  messageId: string;
}

/** One message status change. */
export interface MessageUpdate {
  id: string;
  status: 'converted' | 'failed';
  outcome: string | null;
  /** null: keep the stored count (a failure does not undo an earlier conversion). */
  resourceCount: number | null;
}

/** The last new version of a resource in a commit: it replaces the current row read at `prev`. */
export interface CurrentRow extends VersionRow {
  /** The version the plan was computed from; 0 when the resource did not exist. */
  prev: number;
}

/** Everything one commit writes, computed in memory before any write. */
export interface ConversionPlan {
  results: Map<string, 'applied' | 'skipped'>;
  messageUpdates: MessageUpdate[];
  /** Every new version, in the order applied. */
  history: VersionRow[];
  /** The last new version of each resource: the rows that become current, sorted by key. */
  current: CurrentRow[];
  /**
   * Resources read but not written (unchanged PUTs, failed messages), with the version read
   * (0: absent), sorted by key. An optimistic commit checks they are still at that version, so
   * its decisions hold at commit time.
   */
  unchanged: { type: string; id: string; versionId: number }[];
  /** Search index rows of each resource in `current` (which replace the old ones). */
  index: Map<ResourceKey, SearchIndexEntries>;
  /** Keys that already had a current row (their old index rows must go). */
  existingKeys: Set<ResourceKey>;
  /** The commit time: meta.lastUpdated and last_updated of every version written. */
  now: Date;
}

/** Outcomes with their decoded entries: the read phase needs the keys before the plan. */
export interface PreparedOutcome {
  outcome: ConversionOutcome;
  entries?: TransactionEntry[];
  /** Why a converted outcome is refused before touching the store. */
  error?: OperationOutcome;
}

/** Decodes every converted Bundle (pure; no store access). */
export function prepareOutcomes(outcomes: readonly ConversionOutcome[]): PreparedOutcome[] {
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'converted') return { outcome };
    try {
      return { outcome, entries: parseTransaction(outcome.bundle) };
    } catch (error) {
      return { outcome, error: toOutcome(error) };
    }
  });
}

/**
 * The resource keys a commit must read, sorted. Their content is always needed: a PUT is
 * compared with it (no-op when equal) and a PATCH applies to it.
 */
export function keysToRead(prepared: readonly PreparedOutcome[], receivable: ReadonlySet<string>): ResourceKey[] {
  const keys = new Set<ResourceKey>();
  for (const p of prepared) {
    if (!p.entries || !receivable.has(p.outcome.messageId)) continue;
    for (const e of p.entries) keys.add(`${e.type}/${e.id}`);
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A resource as the plan sees it: parsed and canonicalised lazily, once per commit. */
interface Working {
  versionId: number;
  resource?: FhirResource;
  content?: string;
  /** JSON.stringify of the resource without meta.versionId/lastUpdated: the cheap first comparison. */
  plain?: string;
  /** canonicalJson of the same: the comparison that ignores key order. */
  canonical?: string;
}

/**
 * Applies outcomes in order to an in-memory view of the store. A message whose PATCH cannot
 * apply becomes `failed` (none of its entries written). Messages not in `receivable`, and
 * repeats of one message in a batch, are skipped.
 */
export function planConversion(
  prepared: readonly PreparedOutcome[],
  receivable: ReadonlySet<string>,
  current: ReadonlyMap<ResourceKey, CurrentVersion>,
  now: Date,
  /** Every key read (sorted; absent ones included), for `unchanged`; default: the rows found. */
  readKeys?: readonly ResourceKey[],
): ConversionPlan {
  const lastUpdated = now.toISOString();
  const results = new Map<string, 'applied' | 'skipped'>();
  const messageUpdates: MessageUpdate[] = [];
  const history: VersionRow[] = [];
  const working = new Map<ResourceKey, Working>();
  const done = new Set<string>();
  // The current rows as read, parsed at most once however many messages touch them.
  const baseline = new Map<ResourceKey, Working | undefined>();
  const stored = (key: ResourceKey): Working | undefined => {
    if (!baseline.has(key)) baseline.set(key, fromCurrent(current.get(key)));
    return baseline.get(key);
  };

  for (const { outcome, entries, error } of prepared) {
    const messageId = outcome.messageId;
    if (!receivable.has(messageId) || done.has(messageId)) {
      if (!results.has(messageId)) results.set(messageId, 'skipped');
      continue;
    }
    done.add(messageId);
    results.set(messageId, 'applied');
    if (outcome.kind === 'failed' || !entries) {
      const failure = outcome.kind === 'failed' ? outcome.outcome : error!;
      messageUpdates.push({ id: messageId, status: 'failed', outcome: JSON.stringify(failure), resourceCount: null });
      continue;
    }
    const overlay = new Map<ResourceKey, Working>();
    const rows: VersionRow[] = [];
    try {
      for (const entry of entries) {
        const key = `${entry.type}/${entry.id}`;
        const base = overlay.get(key) ?? working.get(key) ?? stored(key);
        const body = entry.op === 'put' ? entry.resource : patched(entry, base);
        const meta = userMeta(body.meta);
        // No-op update (as HAPI FHIR does): the same content as the version it would replace
        // writes nothing: no version, no history row, no index rebuild.
        let plain: string | undefined;
        if (base && (base.resource || base.content !== undefined)) {
          const comparable: FhirResource = { ...body, resourceType: entry.type, id: entry.id, meta };
          plain = JSON.stringify(comparable);
          if (sameContent(plain, comparable, base)) continue;
        }
        const versionId = (base?.versionId ?? 0) + 1;
        const resource: FhirResource = { ...body, resourceType: entry.type, id: entry.id, meta: { ...meta, versionId: String(versionId), lastUpdated } };
        const content = JSON.stringify(resource);
        overlay.set(key, { versionId, resource, content, ...(plain !== undefined ? { plain } : {}) });
        rows.push({ type: entry.type, id: entry.id, versionId, content, messageId });
      }
    } catch (failure) {
      // Only the store's own refusals fail a message; anything else is a fault and aborts the commit.
      if (!(failure instanceof HieError)) throw failure;
      messageUpdates.push({ id: messageId, status: 'failed', outcome: JSON.stringify(toOutcome(failure)), resourceCount: null });
      continue;
    }
    for (const [key, value] of overlay) working.set(key, value);
    history.push(...rows);
    messageUpdates.push({ id: messageId, status: 'converted', outcome: null, resourceCount: entries.length });
  }

  const latest = new Map<ResourceKey, VersionRow>();
  for (const row of history) latest.set(`${row.type}/${row.id}`, row);
  const keys = [...latest.keys()].sort();
  const index = new Map<ResourceKey, SearchIndexEntries>();
  for (const key of keys) index.set(key, extractSearchIndex(working.get(key)!.resource!));
  const unchanged: ConversionPlan['unchanged'] = [];
  for (const key of readKeys ?? current.keys()) {
    if (!latest.has(key)) unchanged.push({ ...splitKey(key), versionId: current.get(key)?.versionId ?? 0 });
  }
  unchanged.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    results,
    messageUpdates,
    history,
    current: keys.map((k) => ({ ...latest.get(k)!, prev: current.get(k)?.versionId ?? 0 })),
    unchanged,
    index,
    existingKeys: new Set([...current.keys()].filter((k) => latest.has(k))),
    now,
  };
}

/** The resource's meta without the store-assigned versionId/lastUpdated (undefined when nothing is left). */
function userMeta(meta: unknown): Record<string, unknown> | undefined {
  if (!isRecord(meta)) return undefined;
  const rest: Record<string, unknown> = { ...meta };
  delete rest['versionId'];
  delete rest['lastUpdated'];
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * Whether a new version's content (`plain` = JSON.stringify of `comparable`) equals `base`'s,
 * meta.versionId/lastUpdated aside. Equal JSON text is equal content; otherwise (a mapper may
 * emit keys in another order) the canonical forms decide. Parses the stored row on first use.
 */
function sameContent(plain: string, comparable: FhirResource, base: Working): boolean {
  if (base.plain === undefined) {
    base.resource ??= JSON.parse(base.content!) as FhirResource;
    base.plain = JSON.stringify({ ...base.resource, meta: userMeta(base.resource.meta) });
  }
  if (plain === base.plain) return true;
  base.canonical ??= canonicalJson(JSON.parse(base.plain));
  return canonicalJson(comparable) === base.canonical;
}

function fromCurrent(row: CurrentVersion | undefined): Working | undefined {
  return row ? { versionId: row.versionId, ...(row.content !== undefined ? { content: row.content } : {}) } : undefined;
}

/** A PATCH on a missing resource starts from `{resourceType, id}`: ops that need more fail. */
function patched(entry: Extract<TransactionEntry, { op: 'patch' }>, base: Working | undefined): FhirResource {
  if (base && !base.resource && base.content !== undefined) base.resource = JSON.parse(base.content) as FhirResource;
  const start: FhirResource = base?.resource ?? { resourceType: entry.type, id: entry.id };
  const result = applyJsonPatch(start, entry.patch);
  if (!isRecord(result) || result.resourceType !== entry.type || (result.id !== undefined && result.id !== entry.id)) {
    throw new HieError('FHIR_PATCH_FAILED', 'A JSON Patch may not change a resource type or id', { type: entry.type });
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> & FhirResource {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An OperationOutcome for a store-side refusal (code and message only: both PHI-free). */
export function toOutcome(error: unknown): OperationOutcome {
  const code = error instanceof HieError ? error.code : 'STORE_APPLY_FAILED';
  const text = error instanceof HieError ? error.message : 'The conversion result could not be applied';
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'processing', details: { coding: [{ system: 'urn:hie:error', code }], text } }],
  };
}

/** Splits `<Type>/<id>`. */
export function splitKey(key: ResourceKey): { type: string; id: string } {
  const slash = key.indexOf('/');
  return { type: key.slice(0, slash), id: key.slice(slash + 1) };
}

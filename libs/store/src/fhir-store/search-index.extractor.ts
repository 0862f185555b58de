import type { FhirResource } from '@hie/fhir';
import { PATIENT_REFERENCE_ELEMENTS } from './search-params.table.js';

/** One token index row of a resource. */
export interface TokenEntry {
  param: string;
  system: string;
  value: string;
}

/** One reference index row of a resource. */
export interface ReferenceEntry {
  param: string;
  targetType: string;
  targetId: string;
}

/** What the search index holds for one resource version. */
export interface SearchIndexEntries {
  tokens: TokenEntry[];
  references: ReferenceEntry[];
}

/** Extracts the index rows of a resource (deduplicated). */
export function extractSearchIndex(resource: FhirResource): SearchIndexEntries {
  const tokens = new Map<string, TokenEntry>();
  for (const identifier of asArray(resource['identifier'])) {
    if (!isObject(identifier) || typeof identifier['value'] !== 'string' || identifier['value'] === '') continue;
    const system = typeof identifier['system'] === 'string' ? identifier['system'] : '';
    const entry = { param: 'identifier', system, value: identifier['value'] };
    tokens.set(`${entry.system}|${entry.value}`, entry);
  }
  const references = new Map<string, ReferenceEntry>();
  for (const path of PATIENT_REFERENCE_ELEMENTS[resource.resourceType] ?? []) {
    for (const ref of valuesAt(resource, path.split('.'))) {
      const target = parseReference(ref);
      if (target?.targetType !== 'Patient') continue;
      references.set(target.targetId, { param: 'patient', ...target });
    }
  }
  return { tokens: [...tokens.values()], references: [...references.values()] };
}

/** `Patient/123` (or an absolute URL ending so) from a Reference; undefined for contained/logical ones. */
export function parseReference(value: unknown): { targetType: string; targetId: string } | undefined {
  if (!isObject(value) || typeof value['reference'] !== 'string') return undefined;
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(value['reference']);
  return match ? { targetType: match[1]!, targetId: match[2]! } : undefined;
}

function valuesAt(node: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [node];
  const [head, ...rest] = path;
  return asArray(isObject(node) ? node[head!] : undefined).flatMap((child) => valuesAt(child, rest));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { InvalidInputError } from '@hie/common';
import type { Bundle, FhirResource } from '@hie/fhir';
import { parseJsonPatch } from './json-patch.js';
import type { JsonPatchOperation } from './json-patch.js';

/** One write of a transaction Bundle, checked and decoded. */
export type TransactionEntry =
  | { type: string; id: string; op: 'put'; resource: FhirResource }
  | { type: string; id: string; op: 'patch'; patch: JsonPatchOperation[] };

const URL = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * Decodes a transaction Bundle into PUT and PATCH writes. Anything else (POST, DELETE,
 * conditional URLs, a resource whose type/id disagree with its URL) is refused: the store
 * applies deterministic ids only.
 */
export function parseTransaction(bundle: Bundle): TransactionEntry[] {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
    throw new InvalidInputError('FHIR_BUNDLE_NOT_TRANSACTION', 'The conversion result is not a transaction Bundle');
  }
  return (bundle.entry ?? []).map((entry, index): TransactionEntry => {
    const method = entry.request?.method;
    const match = URL.exec(entry.request?.url ?? '');
    if (!match || (method !== 'PUT' && method !== 'PATCH')) {
      throw new InvalidInputError('FHIR_ENTRY_UNSUPPORTED', `Bundle entry ${index}: only PUT and PATCH of <Type>/<id> are supported`, {
        index,
        method,
      });
    }
    const type = match[1]!;
    const id = match[2]!;
    const resource = entry.resource;
    if (!resource) throw new InvalidInputError('FHIR_ENTRY_INVALID', `Bundle entry ${index} has no resource`, { index });
    if (method === 'PUT') {
      if (resource.resourceType !== type || (resource.id !== undefined && resource.id !== id)) {
        throw new InvalidInputError('FHIR_ENTRY_INVALID', `Bundle entry ${index}: the resource does not match its URL`, { index, type });
      }
      return { type, id, op: 'put', resource };
    }
    if (resource.resourceType !== 'Binary' || resource['contentType'] !== 'application/json-patch+json' || typeof resource['data'] !== 'string') {
      throw new InvalidInputError('FHIR_ENTRY_INVALID', `Bundle entry ${index}: a PATCH needs a Binary application/json-patch+json`, { index });
    }
    return { type, id, op: 'patch', patch: parseJsonPatch(Buffer.from(resource['data'], 'base64').toString('utf8')) };
  });
}

import { InvalidInputError } from '@hie/common';
import type { Bundle, BundleEntry } from '@hie/fhir';

/**
 * The transaction the FHIR store commits for a document Bundle: every resource of the document
 * (Composition and DocumentReference included) as `PUT Type/id`, in document order. The store
 * applies deterministic ids only, so sending the same document twice updates, never duplicates.
 * A resource without an id cannot be PUT: that is a converter bug, refused loudly.
 */
export function documentToTransaction(document: Bundle): Bundle {
  const seen = new Set<string>();
  const entry: BundleEntry[] = [];
  for (const [index, e] of (document.entry ?? []).entries()) {
    const resource = e.resource;
    if (!resource) continue;
    if (!resource.id) {
      throw new InvalidInputError('CDA_RESOURCE_WITHOUT_ID', `Document entry ${index} (${resource.resourceType}) has no id`, { index });
    }
    const url = `${resource.resourceType}/${resource.id}`;
    // The converter adds each Type/id once; a repeat would be a second write of one resource.
    if (seen.has(url)) continue;
    seen.add(url);
    entry.push({ resource, request: { method: 'PUT', url } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

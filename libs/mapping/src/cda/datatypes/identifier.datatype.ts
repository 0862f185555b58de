import { attr, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import type { Identifier } from '../fhir-datatypes.model.js';
import { cleanString } from './coded.datatype.js';

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The URI form of an II root: a known identifier system, else `urn:oid:` / `urn:uuid:`; undefined otherwise. */
export function rootUri(root: string, ctx: CdaContext): string | undefined {
  const known = ctx.tables.valueMap('identifier-systems', root);
  if (known !== undefined) return known;
  if (OID.test(root)) return `urn:oid:${root}`;
  if (UUID.test(root)) return `urn:uuid:${root.toLowerCase()}`;
  return undefined;
}

/**
 * II → Identifier. root + extension → system (the root's URI) and value; a root alone (a UUID or
 * OID naming the thing itself) → system `urn:ietf:rfc:3986` and the root's URI as value.
 * nullFlavored and unusable ids are skipped.
 */
export function identifiers(ids: readonly XmlElement[], ctx: CdaContext): Identifier[] {
  const out: Identifier[] = [];
  for (const id of ids) {
    if (attr(id, 'nullFlavor') !== undefined && attr(id, 'root') === undefined) continue;
    const root = cleanString(attr(id, 'root'));
    const extension = cleanString(attr(id, 'extension'));
    const system = root !== undefined ? rootUri(root, ctx) : undefined;
    let identifier: Identifier | undefined;
    if (extension !== undefined) {
      identifier = system !== undefined ? { system, value: extension } : { value: extension };
    } else if (root !== undefined && system !== undefined && (OID.test(root) || UUID.test(root))) {
      identifier = { system: 'urn:ietf:rfc:3986', value: OID.test(root) ? `urn:oid:${root}` : `urn:uuid:${root.toLowerCase()}` };
    }
    if (identifier && !out.some((x) => x.system === identifier.system && x.value === identifier.value)) out.push(identifier);
  }
  return out;
}

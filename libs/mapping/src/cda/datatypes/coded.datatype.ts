import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import type { CodeableConcept, Coding, Extension } from '../fhir-datatypes.model.js';

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * The FHIR URI of a CDA code system: from the code-systems table, else `urn:oid:<OID>` (valid
 * FHIR, and the code is kept) with a warning naming the OID; `urn:uuid:` for a UUID root;
 * undefined when the value is neither.
 */
export function codeSystemUri(oid: string, ctx: CdaContext): string | undefined {
  const known = ctx.tables.codeSystems.get(oid);
  if (known !== undefined) return known;
  if (OID.test(oid)) {
    ctx.warn('unknown-code-system', oid);
    return `urn:oid:${oid}`;
  }
  if (UUID.test(oid)) return `urn:uuid:${oid.toLowerCase()}`;
  ctx.warn('invalid-code-system', 'codeSystem');
  return undefined;
}

/** A FHIR `code` from CDA text: whitespace runs collapsed, trimmed; undefined when empty. */
export function cleanCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const c = value.replace(/\s+/g, ' ').trim();
  return c || undefined;
}

/** A FHIR `string` from CDA text: trimmed, undefined when empty. */
export function cleanString(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  return s || undefined;
}

/** One Coding from a CD/CE/CV (code, codeSystem, displayName); undefined without a code. */
export function coding(cd: XmlElement | undefined, ctx: CdaContext): Coding | undefined {
  const code = cleanCode(attr(cd, 'code'));
  if (code === undefined) return undefined;
  const out: Coding = {};
  const systemOid = attr(cd, 'codeSystem');
  const system = systemOid !== undefined ? codeSystemUri(systemOid.trim(), ctx) : undefined;
  if (system !== undefined) out.system = system;
  const version = cleanString(attr(cd, 'codeSystemVersion'));
  if (version !== undefined) out.version = version;
  out.code = code;
  const display = cleanString(attr(cd, 'displayName'));
  if (display !== undefined) out.display = display;
  return out;
}

/**
 * A CodeableConcept from a CD: the code, its translations, and `text` from originalText (its
 * own text, or the narrative it references by `#ID`), else the displayName when there is no
 * code. Undefined when nothing usable (e.g. a bare nullFlavor).
 */
export function codeableConcept(cd: XmlElement | undefined, ctx: CdaContext): CodeableConcept | undefined {
  if (!cd) return undefined;
  const codings: Coding[] = [];
  const main = coding(cd, ctx);
  if (main) codings.push(main);
  for (const t of childrenNamed(cd, 'translation')) {
    const c = coding(t, ctx);
    if (c && !codings.some((x) => x.system === c.system && x.code === c.code)) codings.push(c);
  }
  let text = originalText(cd, ctx);
  if (text === undefined && codings.length === 0) text = cleanString(attr(cd, 'displayName'));
  if (codings.length === 0 && text === undefined) return undefined;
  const out: CodeableConcept = {};
  if (codings.length) out.coding = codings;
  if (text !== undefined) out.text = text;
  return out;
}

/** The originalText of a coded element: the narrative it references, else its own text. */
export function originalText(cd: XmlElement | undefined, ctx: CdaContext): string | undefined {
  const ot = child(cd, 'originalText');
  if (!ot) return undefined;
  const ref = attr(child(ot, 'reference'), 'value');
  const referenced = ref !== undefined ? ctx.narrativeText(ref) : undefined;
  if (referenced !== undefined) return referenced;
  return textOf(ot) || undefined;
}

/**
 * The data-absent-reason extension for a missing or nullFlavored element: the nullFlavor through
 * the `null-flavor-to-data-absent-reason` table, `unknown` when the element is absent or its
 * nullFlavor unmapped.
 */
export function dataAbsentReason(element: XmlElement | undefined, ctx: CdaContext): Extension {
  const nf = attr(element, 'nullFlavor');
  const code = ctx.tables.valueMap('null-flavor-to-data-absent-reason', nf) ?? 'unknown';
  return { url: DATA_ABSENT_REASON, valueCode: code };
}

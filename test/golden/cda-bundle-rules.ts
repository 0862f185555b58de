/** Rule checks over a CDA document and the FHIR document Bundle it converted to. */
import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { Bundle, FhirResource } from '@hie/fhir';
import type { CdaTables } from '@hie/mapping';

/** HL7 v3 vocabularies (ActCode, ActClass, ObservationValue...): structure, not clinical content. */
const HL7_V3_VOCABULARY = '2.16.840.1.113883.5.';

/** Every `reference` that matches neither an entry's `Type/id` nor its fullUrl, nor a contained `#id`. */
export function unresolvedDocumentReferences(bundle: Bundle): string[] {
  const known = new Set<string>();
  for (const e of bundle.entry ?? []) {
    if (e.fullUrl) known.add(e.fullUrl);
    if (e.resource?.id) known.add(`${e.resource.resourceType}/${e.resource.id}`);
  }
  const bad: string[] = [];
  const walk = (v: unknown, contained: ReadonlySet<string>): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, contained));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string' && !known.has(x) && !(x.startsWith('#') && contained.has(x.slice(1)))) bad.push(x);
        walk(x, contained);
      }
    }
  };
  for (const e of bundle.entry ?? []) {
    const contained = new Set(((e.resource?.['contained'] as FhirResource[] | undefined) ?? []).map((r) => r.id ?? ''));
    walk(e.resource, contained);
  }
  return bad;
}

/** `Type/id` pairs and fullUrls that occur more than once. */
export function duplicateDocumentIds(bundle: Bundle): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const e of bundle.entry ?? []) {
    for (const key of [`${e.resource?.resourceType}/${e.resource?.id}`, e.fullUrl ?? '']) {
      if (key === '') continue;
      if (seen.has(key)) dup.push(key);
      seen.add(key);
    }
  }
  return dup;
}

/** A section of the CDA body with its kind, as the converter's tables classify it. */
export interface CdaSection {
  readonly element: XmlElement;
  readonly kind: string;
  readonly children: readonly CdaSection[];
}

/** The body's sections (nested ones under their parent), classified with the tables. */
export function cdaSections(root: XmlElement, tables: CdaTables): CdaSection[] {
  const body = child(child(root, 'component'), 'structuredBody');
  const of = (parent: XmlElement | undefined): CdaSection[] =>
    childrenNamed(parent, 'component')
      .map((c) => child(c, 'section'))
      .filter((s): s is XmlElement => s !== undefined)
      .map((section) => ({
        element: section,
        kind: tables.sectionKind(
          childrenNamed(section, 'templateId').map((t) => attr(t, 'root') ?? '').filter((r) => r !== ''),
          attr(child(section, 'code'), 'code'),
        ),
        children: of(section),
      }));
  return of(body);
}

/** Counts sections per level: [top-level count, [child counts...]] flattened as a shape string. */
export function sectionShape(sections: readonly { children?: readonly unknown[] }[] | undefined): string {
  if (!sections || sections.length === 0) return '';
  return `[${sections.map((s) => `s${sectionShape(s.children as { children?: unknown[] }[] | undefined)}`).join(',')}]`;
}

/** The Composition's sections in the same shape as {@link sectionShape} of the CDA's. */
export function compositionShape(composition: FhirResource): string {
  type S = { section?: S[] };
  const toShape = (list: S[] | undefined): { children?: unknown[] }[] | undefined => list?.map((s) => ({ children: toShape(s.section) }));
  return sectionShape(toShape(composition['section'] as S[] | undefined));
}

interface EntryCodes {
  /**
   * The entry act's own code, when it is a clinical code (not an HL7 v3 structural one) and the
   * act is not a wrapper: an `act` holding entryRelationships (problem and allergy concerns,
   * admission/discharge diagnosis, discharge medications, payers' coverage activity) is carried
   * by the resources of what it wraps, which the `all` check covers.
   */
  readonly primary?: string;
  /** Every clinical code in the entry (code and value elements, translations included). */
  readonly all: readonly string[];
}

/** The codes of one `entry`: its act's own code and every clinical code below it. */
export function entryCodes(entry: XmlElement): EntryCodes {
  const act = entry.children.find((c) => c.name !== 'templateId' && c.name !== 'sequenceNumber');
  const all: string[] = [];
  const collect = (el: XmlElement): void => {
    for (const c of el.children) {
      // A negated statement ("no known drug allergy" as negationInd + drug allergy) is carried as
      // its absence (a "no known ..." code, a refuted status), not by the code it negates.
      if (attr(c, 'negationInd') === 'true') continue;
      if ((c.name === 'code' || c.name === 'value' || c.name === 'translation') && isClinical(c)) all.push(attr(c, 'code')!);
      collect(c);
    }
  };
  if (act && attr(act, 'negationInd') !== 'true') collect(act);
  const own = attr(act, 'negationInd') === 'true' ? undefined : child(act, 'code');
  const wrapper = act?.name === 'act' && act.children.some((c) => c.name === 'entryRelationship');
  return { ...(own && isClinical(own) && !wrapper ? { primary: attr(own, 'code')! } : {}), all: [...new Set(all)] };
}

function isClinical(cd: XmlElement): boolean {
  const code = attr(cd, 'code');
  const system = attr(cd, 'codeSystem') ?? '';
  return code !== undefined && code.trim() !== '' && attr(cd, 'nullFlavor') === undefined && !system.startsWith(HL7_V3_VOCABULARY);
}

/** Every `code` string anywhere in a resource (codings, quantities' codes). */
export function codesIn(resource: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'code' && typeof x === 'string') out.add(x);
        else walk(x);
      }
    }
  };
  walk(resource);
  return out;
}

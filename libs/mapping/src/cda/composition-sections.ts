import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import { HieError } from '@hie/common';
import type { CdaContext } from './cda-context.js';
import { codeableConcept, narrativeOf, type CodeableConcept, type Narrative, type Reference } from './cda-datatypes.js';
import type { SectionKind } from './cda-tables.js';
import { SECTION_MAPPERS } from './sections/section-mappers.js';

const LOINC_OID = '2.16.840.1.113883.6.1';

/** One Composition.section. */
export interface CompositionSection {
  title?: string;
  code?: CodeableConcept;
  text?: Narrative;
  entry?: Reference[];
  emptyReason?: CodeableConcept;
  section?: CompositionSection[];
}

/** The kind of a CDA section: its template roots, else its LOINC code, through sections.yaml. */
export function sectionKindOf(section: XmlElement, ctx: CdaContext): SectionKind {
  const roots: string[] = [];
  for (const t of childrenNamed(section, 'templateId')) {
    const root = attr(t, 'root');
    if (root !== undefined) roots.push(root);
  }
  const code = child(section, 'code');
  const loinc = attr(code, 'codeSystem') === LOINC_OID ? attr(code, 'code') : undefined;
  return ctx.tables.sectionKind(roots, loinc);
}

/**
 * Composition.section for every `component/section` of a structuredBody (or of a section, for
 * nested ones): title, code, narrative, the entries its kind's mapper made, sub-sections, and
 * emptyReason (via `null-flavor-to-empty-reason`) for a nullFlavored section with no entries.
 */
export function mapSections(parent: XmlElement, ctx: CdaContext, path: string): CompositionSection[] {
  const out: CompositionSection[] = [];
  let index = 0;
  for (const component of childrenNamed(parent, 'component')) {
    const section = child(component, 'section');
    if (!section) continue;
    const at = `${path}/section[${index++}]`;
    const mapped = mapSection(section, ctx, at);
    if (mapped) out.push(mapped);
  }
  return out;
}

function mapSection(section: XmlElement, ctx: CdaContext, path: string): CompositionSection | undefined {
  const kind = sectionKindOf(section, ctx);
  const out: CompositionSection = {};
  const title = child(section, 'title');
  const titleText = title ? collapse(title) : '';
  if (titleText) out.title = titleText;
  const code = codeableConcept(child(section, 'code'), ctx);
  if (code) out.code = code;
  const text = narrativeOf(child(section, 'text'));
  if (text) out.text = text;
  const entries = runMapper(kind, section, ctx, path);
  if (entries.length) out.entry = entries;
  const nullFlavor = attr(section, 'nullFlavor');
  if (nullFlavor !== undefined && !entries.length) {
    const reason = ctx.tables.valueMap('null-flavor-to-empty-reason', nullFlavor);
    const system = ctx.tables.valueSystem('null-flavor-to-empty-reason');
    if (reason !== undefined) out.emptyReason = { coding: [system !== undefined ? { system, code: reason } : { code: reason }] };
  }
  const nested = mapSections(section, ctx, path);
  if (nested.length) out.section = nested;
  // cmp-1: a section has text, entries or sub-sections; one with none of them says so in text.
  if (!out.text && !out.entry && !out.section) {
    if (!out.title && !out.code) return undefined;
    out.text = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escape(out.title ?? 'No information')}</div>` };
  }
  return out;
}

function runMapper(kind: SectionKind, section: XmlElement, ctx: CdaContext, path: string): Reference[] {
  const mapper = SECTION_MAPPERS[kind];
  if (!mapper) return [];
  try {
    const refs = mapper(section, ctx);
    const seen = new Set<string>();
    return refs.filter((r) => r.reference === undefined || (!seen.has(r.reference) && seen.add(r.reference)));
  } catch (e) {
    // One bad section must not lose the document: its narrative is kept, the failure recorded.
    ctx.warn(e instanceof HieError ? `section-failed:${e.code}` : 'section-failed', `${path}[${kind}]`);
    return [];
  }
}

function collapse(element: XmlElement): string {
  const parts: string[] = [];
  const walk = (e: XmlElement): void => {
    for (const n of e.content) typeof n === 'string' ? parts.push(n) : walk(n);
  };
  walk(element);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

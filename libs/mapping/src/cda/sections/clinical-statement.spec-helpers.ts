/**
 * Spec helpers for the problems, allergies and medications mappers (not exported from the lib:
 * they read the corpus): run a mapper over every corpus section of its kind, find the templated
 * statements independently of the mapper, validate what was made.
 */
import { attr, child, type XmlElement } from '@hie/cda';
import { createR4Validator, type FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { sectionKindOf } from '../composition-sections.js';
import type { SectionKind } from '../cda-tables.js';
import type { Reference } from '../cda-datatypes.js';
import { allSections, corpusDocument, corpusNames, specContext, xml } from '../testing/cda-spec.helpers.js';
import type { SectionMapper } from './section-mapper.js';

const validator = createR4Validator();

/** One corpus section of a kind, with what its mapper returned. */
export interface CorpusSection {
  readonly document: string;
  readonly section: XmlElement;
  readonly refs: Reference[];
  readonly ctx: CdaContext;
}

/** Runs the mapper over every corpus section of the kind (a fresh context per document). */
export function corpusSections(kind: SectionKind, mapper: SectionMapper): CorpusSection[] {
  const out: CorpusSection[] = [];
  for (const document of corpusNames()) {
    const doc = corpusDocument(document);
    const ctx = specContext(doc);
    for (const section of allSections(doc)) {
      if (sectionKindOf(section, ctx) === kind) out.push({ document, section, refs: mapper(section, ctx), ctx });
    }
  }
  return out;
}

/** Every descendant element of this name with this template root. */
export function templated(root: XmlElement, name: string, template: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name && c.children.some((t) => t.name === 'templateId' && attr(t, 'root') === template)) out.push(c);
      visit(c);
    }
  };
  visit(root);
  return out;
}

/**
 * How many distinct acts these are: elements sharing an `<id>` and saying the same (same value
 * code, or drug code with `drug`) are one act; a copied id on another act does not merge them.
 */
export function distinctActs(elements: readonly XmlElement[], what: (e: XmlElement) => string = (e) => attr(child(e, 'value'), 'code') ?? ''): number {
  const keys = new Set<string>();
  elements.forEach((e, i) => {
    const id = e.children.find((c) => c.name === 'id' && attr(c, 'root') !== undefined && attr(c, 'nullFlavor') === undefined);
    keys.add(id ? `${attr(id, 'root')}|${attr(id, 'extension') ?? ''}|${what(e)}` : `#${i}`);
  });
  return keys.size;
}

/** Distinct references (a mapper returns one per statement; the same act twice is one resource). */
export function distinctRefs(refs: readonly Reference[]): number {
  return new Set(refs.map((r) => r.reference)).size;
}

/** Error and fatal issues of every resource in the context. */
export function resourceErrors(ctx: CdaContext): string[] {
  const out: string[] = [];
  for (const r of ctx.resources.values()) {
    for (const i of validator.validate(r)) if (i.severity === 'error' || i.severity === 'fatal') out.push(`${r.resourceType}: ${i.diagnostics} @ ${i.expression?.join()}`);
  }
  return out;
}

/** True when a CodeableConcept carries the code of a CD (code and codeSystem as sent). */
export function carriesCode(concept: unknown, cd: XmlElement | undefined, ctx: CdaContext): boolean {
  const code = attr(cd, 'code');
  const system = attr(cd, 'codeSystem');
  const uri = system !== undefined ? (ctx.tables.codeSystems.get(system) ?? `urn:oid:${system}`) : undefined;
  const codings = (concept as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return codings.some((c) => c.code === code?.trim() && c.system === uri);
}

/** Maps one inline section made of the given entry statements (narrative IDs n1, n2 available). */
export function mapInline(mapper: SectionMapper, entries: readonly string[], sectionHead = ''): { refs: Reference[]; ctx: CdaContext; resources: (FhirResource & { id: string })[] } {
  const section = xml(
    `<section>${sectionHead}<text><content ID="n1">narrative one</content><content ID="n2">narrative two</content></text>` +
      entries.map((e) => `<entry>${e}</entry>`).join('') +
      '</section>',
  );
  const ctx = specContext(section);
  const refs = mapper(section, ctx);
  return { refs, ctx, resources: refs.map((r) => ctx.get(r)!).filter((r) => r !== undefined) };
}

/** The first child's value code (for readable assertions). */
export function valueCode(e: XmlElement): XmlElement | undefined {
  return child(e, 'value');
}

/**
 * Spec helpers for the results, vital-signs, immunizations, procedures, encounters and
 * social-history mappers (not exported from the lib: they read the corpus). Each mapper's spec runs
 * its mapper over every section of its kind in the corpus and checks what every mapper owes.
 */
import { attr, child, parseXml, type XmlElement } from '@hie/cda';
import { createR4Validator, type FhirResource, type OperationOutcomeIssue } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { coding } from '../cda-datatypes.js';
import type { SectionKind } from '../cda-tables.js';
import { sectionKindOf } from '../composition-sections.js';
import type { CodeableConcept, Reference } from '../fhir-datatypes.model.js';
import { allSections, corpusDocument, corpusNames, specContext } from '../testing/cda-spec.helpers.js';
import type { SectionMapper } from './section-mapper.js';

const validator = createR4Validator();

/** One corpus section of the kind, mapped. */
export interface MappedSection {
  readonly document: string;
  readonly section: XmlElement;
  readonly refs: Reference[];
  readonly ctx: CdaContext;
}

/** Runs the mapper over every section of this kind in the corpus (a fresh context per document). */
export function mapCorpusSections(kind: SectionKind, mapper: SectionMapper): MappedSection[] {
  const out: MappedSection[] = [];
  for (const name of corpusNames()) {
    const doc = corpusDocument(name);
    const ctx = specContext(doc);
    for (const section of allSections(doc)) {
      if (sectionKindOf(section, ctx) !== kind) continue;
      out.push({ document: name, section, refs: mapper(section, ctx), ctx });
    }
  }
  return out;
}

/** A section of one inline entry, for focused cases (`entryXml` is the clinical statement). */
export function mapInlineEntry(mapper: SectionMapper, entryXml: string): { refs: Reference[]; ctx: CdaContext } {
  const doc = parseXml(
    new TextEncoder().encode(
      `<section xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc">` +
        `<text><content ID="n1">narrative one</content></text><entry>${entryXml}</entry></section>`,
    ),
  );
  const ctx = specContext(doc);
  return { refs: mapper(doc, ctx), ctx };
}

/** The resource a reference points at (throws when it does not resolve, so a spec fails loudly). */
export function resolve(ctx: CdaContext, ref: Reference | undefined): FhirResource & { id: string } {
  const r = ctx.get(ref);
  if (!r) throw new Error(`unresolved reference ${ref?.reference ?? '(none)'}`);
  return r;
}

/** Error and fatal issues of every resource the context holds, validated one by one. */
export function validationErrors(ctx: CdaContext): { resource: string; issue: OperationOutcomeIssue }[] {
  const out: { resource: string; issue: OperationOutcomeIssue }[] = [];
  for (const [key, resource] of ctx.resources) {
    for (const issue of validator.validate(resource)) {
      if (issue.severity === 'error' || issue.severity === 'fatal') out.push({ resource: key, issue });
    }
  }
  return out;
}

/** Every `reference` inside the context's resources that points at nothing it holds (the patient excepted). */
export function danglingReferences(ctx: CdaContext): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string') {
          if (x !== ctx.patient.reference && !ctx.resources.has(x)) out.push(x);
        } else visit(x);
      }
    }
  };
  for (const r of ctx.resources.values()) visit(r);
  return out;
}

/** True when the concept carries the coding of this CDA code element (same system and code). */
export function carriesCode(concept: unknown, cd: XmlElement | undefined, ctx: CdaContext): boolean {
  const expected = coding(cd, ctx);
  if (!expected) return false;
  const codings = (concept as CodeableConcept | undefined)?.coding ?? [];
  return codings.some((c) => c.system === expected.system && c.code === expected.code);
}

/** True when the CDA element has a code (not a bare nullFlavor): a "coded entry". */
export function isCoded(cd: XmlElement | undefined): boolean {
  return attr(cd, 'code') !== undefined;
}

/** The clinical statement of each entry of a section. */
export function entryActs(section: XmlElement): XmlElement[] {
  return section.children
    .filter((c) => c.name === 'entry')
    .map((e) => e.children.find((c) => c.name !== 'templateId'))
    .filter((a): a is XmlElement => a !== undefined);
}

/** The observation of each organizer component. */
export function componentObservations(organizer: XmlElement): XmlElement[] {
  return organizer.children
    .filter((c) => c.name === 'component')
    .map((c) => child(c, 'observation'))
    .filter((o): o is XmlElement => o !== undefined);
}

/** Resources of a type the context holds. */
export function resourcesOf(ctx: CdaContext, type: string): (FhirResource & { id: string })[] {
  return [...ctx.resources.values()].filter((r) => r.resourceType === type);
}

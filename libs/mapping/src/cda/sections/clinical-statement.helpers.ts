import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import { dateTimeOf, practitionerOf, type Reference } from '../cda-datatypes.js';

/*
 * Entry plumbing of the problems, allergies, medications and notes mappers: where the
 * templated clinical statements of an entry are, and the author, text and position of one.
 */

/** Template roots of the statements these mappers look for (C-CDA R2.1 and R1.1 share them). */
export const CLINICAL_TEMPLATE = {
  problemConcern: '2.16.840.1.113883.10.20.22.4.3',
  problemObservation: '2.16.840.1.113883.10.20.22.4.4',
  problemObservationCcd1: '2.16.840.1.113883.10.20.1.28',
  problemStatus: '2.16.840.1.113883.10.20.22.4.6',
  ageObservation: '2.16.840.1.113883.10.20.22.4.31',
  severity: '2.16.840.1.113883.10.20.22.4.8',
  allergyConcern: '2.16.840.1.113883.10.20.22.4.30',
  allergyObservation: '2.16.840.1.113883.10.20.22.4.7',
  allergyObservationCcd1: '2.16.840.1.113883.10.20.1.18',
  allergyStatus: '2.16.840.1.113883.10.20.22.4.28',
  reaction: '2.16.840.1.113883.10.20.22.4.9',
  criticality: '2.16.840.1.113883.10.20.22.4.145',
  medicationActivity: '2.16.840.1.113883.10.20.22.4.16',
  medicationActivityCcd1: '2.16.840.1.113883.10.20.1.24',
  indication: '2.16.840.1.113883.10.20.22.4.19',
  instruction: '2.16.840.1.113883.10.20.22.4.20',
  supplyOrder: '2.16.840.1.113883.10.20.22.4.17',
  noteActivity: '2.16.840.1.113883.10.20.22.4.202',
} as const;

/** One clinical statement found in a section, with a stable position for fallback ids and warnings. */
export interface FoundStatement {
  /** The statement (observation, substanceAdministration, act...). */
  readonly element: XmlElement;
  /** The entry's own statement when the found one sits inside it (a concern act), else the statement itself. */
  readonly container: XmlElement;
  /** PHI-free path for warnings: `<kind>/entry[i]/...`. */
  readonly path: string;
  /** Fallback id parts: the section's key, the entry index and the statement's position in it. */
  readonly fallback: readonly string[];
}

/** The templateId roots of an element. */
export function templatesOf(element: XmlElement | undefined): string[] {
  const out: string[] = [];
  if (!element) return out;
  for (const t of element.children) if (t.name === 'templateId' && t.attributes['root'] !== undefined) out.push(t.attributes['root']);
  return out;
}

/** True when the element carries one of these template roots. */
export function hasAnyTemplate(element: XmlElement | undefined, roots: readonly string[]): boolean {
  if (!element) return false;
  for (const t of element.children) if (t.name === 'templateId' && roots.includes(t.attributes['root'] ?? '')) return true;
  return false;
}

/** The section's key for fallback ids: its code, else its first template. */
export function sectionKey(section: XmlElement): string {
  const code = attr(child(section, 'code'), 'code');
  if (code !== undefined) return `section:${code}`;
  const root = attr(child(section, 'templateId'), 'root');
  return root !== undefined ? `section-template:${root}` : 'section';
}

/** The clinical statement of an `<entry>` (its one element child other than header bits). */
export function entryStatement(entry: XmlElement): XmlElement | undefined {
  return entry.children.find((c) => c.name !== 'templateId' && c.name !== 'realmCode' && c.name !== 'typeId');
}

/**
 * The statements of a section's entries that `accept` says are wanted: the entry's own statement
 * or, inside it, those reached through `entryRelationship` (a concern act's observations, a
 * discharge medication act's substanceAdministration). Does not look inside a found one.
 */
export function findStatements(section: XmlElement, kind: string, accept: (e: XmlElement) => boolean): FoundStatement[] {
  const key = sectionKey(section);
  const out: FoundStatement[] = [];
  childrenNamed(section, 'entry').forEach((entry, index) => {
    const top = entryStatement(entry);
    if (!top) return;
    if (accept(top)) {
      out.push({ element: top, container: top, path: `${kind}/entry[${index}]/${top.name}`, fallback: [key, String(index)] });
      return;
    }
    let n = 0;
    const visit = (e: XmlElement, path: string): void => {
      for (const rel of childrenNamed(e, 'entryRelationship')) {
        const s = entryStatement(rel);
        if (!s) continue;
        const at = `${path}/entryRelationship/${s.name}`;
        if (accept(s)) out.push({ element: s, container: top, path: at, fallback: [key, String(index), String(n++)] });
        else visit(s, at);
      }
    };
    visit(top, `${kind}/entry[${index}]/${top.name}`);
  });
  return out;
}

/** The statements related to `element` by entryRelationship (of that typeCode, if given) carrying one of the templates. */
export function relatedStatements(element: XmlElement, roots: readonly string[], typeCode?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const rel of childrenNamed(element, 'entryRelationship')) {
    if (typeCode !== undefined && attr(rel, 'typeCode') !== typeCode) continue;
    const s = entryStatement(rel);
    if (s && hasAnyTemplate(s, roots)) out.push(s);
  }
  return out;
}

/** The first author of a statement: its practitioner reference and time, when usable. */
export function authorOf(element: XmlElement, ctx: CdaContext): { reference?: Reference; time?: string } {
  const author = child(element, 'author');
  if (!author) return {};
  const out: { reference?: Reference; time?: string } = {};
  const time = dateTimeOf(child(author, 'time'));
  if (time !== undefined) out.time = time;
  const ref = practitionerOf(child(author, 'assignedAuthor'), ctx);
  if (ref) out.reference = ref;
  return out;
}

/** A statement's text: the narrative its `<text><reference>` points at, else its own text. */
export function statementText(element: XmlElement, ctx: CdaContext): string | undefined {
  const text = child(element, 'text');
  if (!text) return undefined;
  const ref = attr(child(text, 'reference'), 'value');
  const referenced = ref !== undefined ? ctx.narrativeText(ref) : undefined;
  return referenced ?? (textOf(text) || undefined);
}

/** True when negationInd="true". */
export function negated(element: XmlElement): boolean {
  return attr(element, 'negationInd') === 'true';
}

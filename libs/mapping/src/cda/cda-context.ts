import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { FhirResource, OperationOutcomeIssue } from '@hie/fhir';
import { createIdFactory } from '../engine/id-factory.js';
import type { CdaTables } from './cda-tables.js';
import type { Reference } from './fhir-datatypes.model.js';

/** How a {@link CdaContext} is made: the id secret and, for narrative look-ups, the document. */
export interface CdaContextOptions {
  /** Deployment secret keying the deterministic ids (HMAC), so ids reveal nothing. */
  readonly idSecret: string;
  /** The ClinicalDocument: `narrativeText` finds `ID`-tagged narrative in it. */
  readonly document?: XmlElement;
  /** Distinguishes fallback ids of id-less entries between documents (the document's own id). */
  readonly documentKey?: string;
}

/** System of the warning codes the CDA mappers emit (PHI-free: a code and a path). */
export const CDA_WARNING_SYSTEM = 'https://hie.local/fhir/CodeSystem/cda-conversion-warning';

/**
 * The state of one document's conversion, shared by the header and section mappers: the tables,
 * the resources made so far (by `Type/id`, first one kept) and the PHI-free warnings.
 */
export class CdaContext {
  readonly tables: CdaTables;
  /** Set by the header mapper before sections run. */
  patient: Reference = { reference: 'Patient/unknown' };
  /** The encompassingEncounter, when the document has one. */
  encounter?: Reference;
  /** The document author (Practitioner, PractitionerRole or Device). */
  author?: Reference;
  /** effectiveTime of the document (FHIR dateTime). */
  documentTime?: string;
  /** Resources in the order they were added, by `Type/id`. */
  readonly resources = new Map<string, FhirResource & { id: string }>();
  readonly issues: OperationOutcomeIssue[] = [];
  readonly documentKey: string;

  private readonly makeId: (parts: readonly string[]) => string;
  private readonly document: XmlElement | undefined;
  private narrativeIndex: Map<string, XmlElement> | undefined;
  private readonly warned = new Set<string>();
  private readonly idSignatures = new Map<string, string>();
  /** Ids made in this document (the same author or drug is named by many entries). */
  private readonly ids = new Map<string, string>();
  private readonly narrativeTexts = new Map<string, string | undefined>();
  private readonly memos = new Map<string, unknown>();

  constructor(tables: CdaTables, options: CdaContextOptions) {
    this.tables = tables;
    this.makeId = idFactory(options.idSecret);
    this.document = options.document;
    this.documentKey = options.documentKey ?? '';
  }

  /** Deterministic id (HMAC of the type and parts with the id secret): same inputs, same id; reveals nothing. */
  id(type: string, ...parts: string[]): string {
    const key = parts.length ? `${type}\u001f${parts.join('\u001f')}` : type;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.makeId([type, ...parts]);
      this.ids.set(key, id);
    }
    return id;
  }

  /**
   * An entry's id: from its first usable `<id root= extension=>` (not nullFlavor), so the same act
   * sent again (in this or another document) is the same resource; else from `fallback` parts
   * (the entry's position: the document key is added). With fallback parts given, an id already
   * used in this document by a statement saying something else yields a distinct id.
   */
  entryId(type: string, element: XmlElement, ...fallback: string[]): string {
    for (const idEl of childrenNamed(element, 'id')) {
      const root = attr(idEl, 'root');
      if (!root || attr(idEl, 'nullFlavor') !== undefined) continue;
      const extension = attr(idEl, 'extension') ?? '';
      if (fallback.length) {
        // Senders copy ids between different acts: the same id on an act saying something else
        // (another code, value or drug) is another resource, told apart by what it says.
        const signature = statementSignature(element);
        const key = `${type}|${root}|${extension}`;
        const first = this.idSignatures.get(key);
        if (first === undefined) this.idSignatures.set(key, signature);
        else if (first !== signature) {
          this.warn('reused-entry-id', type);
          return this.id(type, 'cda-id', root, extension, 'variant', signature);
        }
      }
      return this.id(type, 'cda-id', root, extension);
    }
    return this.id(type, 'cda-doc', this.documentKey, ...fallback);
  }

  /**
   * Adds a resource (it must carry its id); the same `Type/id` twice keeps the first and merges
   * nothing (a practitioner or drug named by several entries is one resource). Returns
   * `{ reference: 'Type/id' }`.
   */
  add<T extends FhirResource>(resource: T): Reference {
    const id = resource.id;
    if (!id) throw new TypeError(`CdaContext.add: ${resource.resourceType} without an id`);
    const key = `${resource.resourceType}/${id}`;
    if (!this.resources.has(key)) this.resources.set(key, resource as T & { id: string });
    return { reference: key };
  }

  /** The resource added as `Type/id`, if any (to add a second reference to it, say). */
  get(reference: Reference | undefined): (FhirResource & { id: string }) | undefined {
    return reference?.reference !== undefined ? this.resources.get(reference.reference) : undefined;
  }

  /**
   * The value made for `key` earlier in this document, else `make()`'s (kept). For work repeated
   * per entry with the same result, such as the same author on every entry.
   */
  memo<T>(key: string, make: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = make();
    this.memos.set(key, value);
    return value;
  }

  /** Text of the narrative element with this ID (`originalText/reference value="#x"`), whitespace collapsed. */
  narrativeText(reference: string | undefined): string | undefined {
    if (!reference || !this.document) return undefined;
    const id = reference.startsWith('#') ? reference.slice(1) : reference;
    if (this.narrativeTexts.has(id)) return this.narrativeTexts.get(id);
    if (!this.narrativeIndex) this.narrativeIndex = indexIds(this.document);
    const target = this.narrativeIndex.get(id);
    const text = target ? collectText(target) || undefined : undefined;
    this.narrativeTexts.set(id, text);
    return text;
  }

  /** A PHI-free warning: a stable code and where (an element path, a code system OID), never a value. Once per code and path. */
  warn(code: string, path: string): void {
    const key = `${code}\u0000${path}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.issues.push({
      severity: 'warning',
      code: 'processing',
      details: { coding: [{ system: CDA_WARNING_SYSTEM, code }] },
      diagnostics: `${code} at ${path}`,
      expression: [path],
    });
  }
}

/** One id factory per secret (it precomputes the HMAC key pads): contexts are made per document. */
const factories = new Map<string, (parts: readonly string[]) => string>();

function idFactory(secret: string): (parts: readonly string[]) => string {
  let f = factories.get(secret);
  if (!f) {
    if (factories.size > 16) factories.clear();
    f = createIdFactory(secret);
    factories.set(secret, f);
  }
  return f;
}

const SIGNATURE_ATTRIBUTES = ['code', 'codeSystem', 'value', 'unit', 'nullFlavor'];

/** What a clinical statement is about: its code, value, drug and substance codes (attributes only). */
function statementSignature(element: XmlElement): string {
  const parts: string[] = [element.name, element.attributes['moodCode'] ?? '', element.attributes['negationInd'] ?? ''];
  const add = (e: XmlElement | undefined): void => {
    if (!e) return;
    for (const a of SIGNATURE_ATTRIBUTES) parts.push(e.attributes[a] ?? '');
  };
  add(child(element, 'code'));
  for (const v of childrenNamed(element, 'value')) add(v);
  add(child(child(child(child(element, 'consumable'), 'manufacturedProduct'), 'manufacturedMaterial'), 'code'));
  for (const p of childrenNamed(element, 'participant')) add(child(child(child(p, 'participantRole'), 'playingEntity'), 'code'));
  return parts.join('\u001f');
}

/**
 * Every narrative element carrying an `ID` attribute, by that ID (the first wins). Only section
 * narratives (`section/text`, nested sections too) are walked: that is where originalText and
 * text references point, and entries, the bulk of a document, are skipped.
 */
function indexIds(root: XmlElement): Map<string, XmlElement> {
  const index = new Map<string, XmlElement>();
  const indexText = (e: XmlElement): void => {
    const id = e.attributes['ID'];
    if (id !== undefined && !index.has(id)) index.set(id, e);
    for (const c of e.children) indexText(c);
  };
  const visitSections = (parent: XmlElement | undefined): void => {
    if (!parent) return;
    for (const component of parent.children) {
      if (component.name !== 'component') continue;
      const section = component.children.find((c) => c.name === 'section');
      if (!section) continue;
      const text = section.children.find((c) => c.name === 'text');
      if (text) indexText(text);
      visitSections(section);
    }
  };
  if (root.name === 'ClinicalDocument') visitSections(child(child(root, 'component'), 'structuredBody'));
  else if (root.name === 'section') {
    // A lone section (section mapper specs): its narrative and sub-sections.
    const text = child(root, 'text');
    if (text) indexText(text);
    visitSections(root);
  } else indexText(root);
  return index;
}

function collectText(element: XmlElement): string {
  const parts: string[] = [];
  const walk = (e: XmlElement): void => {
    for (const node of e.content) {
      if (typeof node === 'string') parts.push(node);
      else if (node.name === 'br') parts.push(' ');
      else walk(node);
    }
  };
  walk(element);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

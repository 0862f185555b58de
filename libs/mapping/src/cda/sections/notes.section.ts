import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from '../cda-context.js';
import { codeableConcept, identifiers, instantOf, type CodeableConcept, type Reference } from '../cda-datatypes.js';
import { CLINICAL_TEMPLATE as T, authorOf, findStatements, hasAnyTemplate, statementText, type FoundStatement } from './clinical-statement.helpers.js';
import type { SectionMapper } from './section-mapper.js';

function isNote(e: XmlElement): boolean {
  return e.name === 'act' && hasAnyTemplate(e, [T.noteActivity]);
}

/** Notes: each Note Activity → a DocumentReference carrying the note's text (the section's narrative stays on the Composition). */
export const mapNotesSection: SectionMapper = (section, ctx) =>
  findStatements(section, 'notes', isNote)
    .map((found) => mapNoteActivity(found, ctx))
    .filter((r): r is Reference => r !== undefined);

/**
 * A Note Activity → DocumentReference: type from the note code (the specific translation
 * first), date, authors, the note text (its narrative or inline text; base64 inline content
 * as sent) as an attachment, the document's encounter. Undefined when the note has no content.
 */
export function mapNoteActivity(found: FoundStatement, ctx: CdaContext): Reference | undefined {
  const act = found.element;
  const attachment = noteAttachment(act, ctx);
  if (!attachment) {
    ctx.warn('note-without-content', found.path);
    return undefined;
  }
  const r: FhirResource = { resourceType: 'DocumentReference', id: ctx.entryId('DocumentReference', act, ...found.fallback) };
  const identifier = identifiers(childrenNamed(act, 'id'), ctx);
  if (identifier.length) r['identifier'] = identifier;
  r['status'] = 'current';
  const type = noteType(act, ctx);
  if (type) r['type'] = type;
  r['subject'] = ctx.patient;
  const author = authorOf(act, ctx);
  const date = instantOf(child(act, 'effectiveTime')) ?? instantOf(child(child(act, 'author'), 'time'));
  if (date !== undefined) r['date'] = date;
  if (author.reference) r['author'] = [author.reference];
  r['content'] = [{ attachment }];
  if (ctx.encounter) r['context'] = { encounter: [ctx.encounter] };
  return ctx.add(r);
}

/** The note's specific type (a translation, as C-CDA puts it) ahead of the generic 34109-9 "Note". */
function noteType(act: XmlElement, ctx: CdaContext): CodeableConcept | undefined {
  const cc = codeableConcept(child(act, 'code'), ctx);
  if (!cc?.coding || cc.coding.length < 2) return cc;
  return { ...cc, coding: [...cc.coding.slice(1), cc.coding[0]!] };
}

function noteAttachment(act: XmlElement, ctx: CdaContext): Record<string, unknown> | undefined {
  const text = child(act, 'text');
  const mediaType = attr(text, 'mediaType')?.trim() || 'text/plain';
  if (text && attr(text, 'representation') === 'B64') {
    let raw = '';
    for (const n of text.content) if (typeof n === 'string') raw += n;
    const data = raw.replace(/\s+/g, '');
    if (data && /^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { contentType: mediaType, data };
  }
  const content = statementText(act, ctx) ?? (text ? textOf(text) || undefined : undefined);
  if (content === undefined) return undefined;
  return { contentType: 'text/plain', data: Buffer.from(content, 'utf8').toString('base64') };
}

/** Notes found in any section (Note Activities may be an entry of any section in C-CDA R2.1). */
export function noteActivities(section: XmlElement, kind: string): FoundStatement[] {
  return findStatements(section, kind, isNote);
}

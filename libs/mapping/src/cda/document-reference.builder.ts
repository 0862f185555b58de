import { attr, child, textOf, type XmlElement } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import type { CdaContext } from './cda-context.js';
import type { CodeableConcept, Identifier, Period, Reference } from './cda-datatypes.js';

/** The source document as received. */
export interface CdaSource {
  readonly bytes: Uint8Array;
  /** SHA-1 of the bytes, base64 (Attachment.hash). */
  readonly sha1Base64: string;
  /** The media type it came with; `application/xml` when not given. */
  readonly contentType?: string;
}

/** What the DocumentReference says about the document (from the header). */
export interface DocumentFacts {
  readonly masterIdentifier?: Identifier;
  readonly type?: CodeableConcept;
  readonly date?: string;
  readonly authors: readonly Reference[];
  readonly custodian?: Reference;
  readonly title?: string;
  readonly securityLabel?: CodeableConcept;
  readonly servicePeriod?: Period;
}

/**
 * DocumentReference holding the original CDA (base64, size, SHA-1), status current; for a
 * nonXMLBody document a second content item carries the embedded (or referenced) body.
 */
export function buildDocumentReference(root: XmlElement, source: CdaSource, facts: DocumentFacts, ctx: CdaContext): Reference {
  const r: FhirResource = { resourceType: 'DocumentReference', id: ctx.id('DocumentReference', 'cda-doc', ctx.documentKey) };
  if (facts.masterIdentifier) r['masterIdentifier'] = facts.masterIdentifier;
  r['status'] = 'current';
  if (facts.type) r['type'] = facts.type;
  r['subject'] = ctx.patient;
  if (facts.date !== undefined) r['date'] = facts.date;
  const authors = facts.authors.filter((a) => a.reference !== undefined);
  if (authors.length) r['author'] = authors;
  if (facts.custodian) r['custodian'] = facts.custodian;
  if (facts.securityLabel) r['securityLabel'] = [facts.securityLabel];
  const original: Record<string, unknown> = {
    contentType: source.contentType ?? 'application/xml',
    data: Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength).toString('base64'),
    size: source.bytes.byteLength,
    hash: source.sha1Base64,
  };
  if (facts.title !== undefined) original['title'] = facts.title;
  const content: Record<string, unknown>[] = [{ attachment: original }];
  const body = nonXmlBody(root, ctx);
  if (body) content.push({ attachment: body });
  r['content'] = content;
  const context: Record<string, unknown> = {};
  if (ctx.encounter) context['encounter'] = [ctx.encounter];
  if (facts.servicePeriod) context['period'] = facts.servicePeriod;
  if (Object.keys(context).length) r['context'] = context;
  return ctx.add(r);
}

/** The body of an unstructured document: inline (base64 or text) or by URL. */
function nonXmlBody(root: XmlElement, ctx: CdaContext): Record<string, unknown> | undefined {
  const text = child(child(child(root, 'component'), 'nonXMLBody'), 'text');
  if (!text) return undefined;
  const attachment: Record<string, unknown> = {};
  const mediaType = attr(text, 'mediaType')?.trim();
  attachment['contentType'] = mediaType || 'text/plain';
  const url = attr(child(text, 'reference'), 'value')?.trim();
  if (url) {
    attachment['url'] = url;
    return attachment;
  }
  let raw = '';
  for (const n of text.content) if (typeof n === 'string') raw += n;
  if (attr(text, 'representation') === 'B64') {
    const data = raw.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
      ctx.warn('invalid-base64', 'nonXMLBody/text');
      return undefined;
    }
    attachment['data'] = data;
  } else {
    const plain = textOf(text);
    if (!plain) return undefined;
    attachment['data'] = Buffer.from(raw, 'utf8').toString('base64');
  }
  return attachment;
}

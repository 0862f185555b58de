import { attr, child, childrenNamed, type XmlElement } from '@hie/cda';
import type { Bundle, BundleEntry, FhirResource, OperationOutcomeIssue } from '@hie/fhir';
import { dtmToInstant } from '../transforms/dtm.transform.js';
import { CdaContext } from './cda-context.js';
import { codeableConcept, dateTimeOf, identifiers, instantOf, periodOf, practitionerOf, type Identifier, type Period, type Reference } from './cda-datatypes.js';
import type { CdaTables } from './cda-tables.js';
import { CdaConversionError } from './cda.errors.js';
import { mapSections } from './composition-sections.js';
import { buildDocumentReference, type CdaSource } from './document-reference.builder.js';
import { mapAttesters, mapAuthors, mapCustodian } from './header/document-participants.header.js';
import { mapEncompassingEncounter } from './header/encounter.header.js';
import { mapPatient } from './header/patient.header.js';

/** The result of converting one CDA document. */
export interface CdaConversionResult {
  /** A FHIR document Bundle: the Composition first, then every resource made. */
  bundle: Bundle;
  /** PHI-free warnings (unknown code systems, unusable parts...). */
  issues: OperationOutcomeIssue[];
  /** The document kind from its template id (sections.yaml's document-types), 'unknown' otherwise. */
  documentType?: string;
}

/** Conversion options. */
export interface CdaConvertOptions {
  /** Deployment secret keying the deterministic resource ids. */
  readonly idSecret: string;
  /**
   * The FHIR service base (`https://host/fhir`): entries get RESTful fullUrls `<base>/Type/id`,
   * against which the `Type/id` references resolve. Without it, fullUrls are `urn:uuid:<id>`
   * (ids are UUIDs), as in the engine's HL7 v2 Bundles.
   */
  readonly baseUrl?: string;
  /** Zone (`+01:00`, `Z`) for Bundle.timestamp when the document's effectiveTime has none; default `Z`. */
  readonly timezone?: string;
}

const ID_RFC3986 = 'urn:ietf:rfc:3986';

/**
 * Converts a parsed CDA R2 / C-CDA document into a FHIR R4 document Bundle: Composition (a
 * section per CDA section with its narrative and the entries of its kind's mapper), Patient,
 * authors, custodian, Encounter, attesters, the resources of the sections, and a
 * DocumentReference holding the original bytes. Resource references are `Type/id`.
 * Throws {@link CdaConversionError} when the root is not a ClinicalDocument or has no patient.
 */
export function convertCdaDocument(root: XmlElement, source: CdaSource, tables: CdaTables, options: CdaConvertOptions): CdaConversionResult {
  if (root.name !== 'ClinicalDocument') throw new CdaConversionError('CDA_NOT_A_DOCUMENT', 'The root element is not a CDA ClinicalDocument', { element: root.name });
  const docId = child(root, 'id');
  const documentKey = docId && attr(docId, 'root') !== undefined ? `${attr(docId, 'root')}|${attr(docId, 'extension') ?? ''}` : `sha1|${source.sha1Base64}`;
  const ctx = new CdaContext(tables, { idSecret: options.idSecret, document: root, documentKey });

  const recordTargets = childrenNamed(root, 'recordTarget');
  const patientRole = child(recordTargets[0], 'patientRole');
  if (!patientRole) throw new CdaConversionError('CDA_REQUIRED_MISSING', 'The document has no recordTarget/patientRole', { element: 'recordTarget' });
  if (recordTargets.length > 1) ctx.warn('multiple-record-targets', 'ClinicalDocument/recordTarget');
  ctx.patient = mapPatient(patientRole, ctx);
  ctx.documentTime = dateTimeOf(child(root, 'effectiveTime'));
  const encompassing = child(child(root, 'componentOf'), 'encompassingEncounter');
  if (encompassing) ctx.encounter = mapEncompassingEncounter(encompassing, ctx);
  const authors = mapAuthors(root, ctx);
  if (authors[0]?.reference !== undefined) ctx.author = authors[0];
  const custodian = mapCustodian(root, ctx);

  const composition: FhirResource = { resourceType: 'Composition', id: ctx.id('Composition', 'cda-doc', documentKey) };
  const identifier = identifiers(docId ? [docId] : [], ctx)[0];
  if (identifier) composition['identifier'] = identifier;
  composition['status'] = 'final';
  const type = codeableConcept(child(root, 'code'), ctx);
  const title = collapsed(child(root, 'title')) || type?.text || type?.coding?.[0]?.display || 'Clinical document';
  composition['type'] = type ?? { text: title };
  composition['subject'] = ctx.patient;
  if (ctx.encounter) composition['encounter'] = ctx.encounter;
  if (ctx.documentTime !== undefined) composition['date'] = ctx.documentTime;
  else {
    ctx.warn('missing-effective-time', 'ClinicalDocument/effectiveTime');
    composition['_date'] = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
  }
  composition['author'] = authors;
  composition['title'] = title;
  const confidentialityEl = child(root, 'confidentialityCode');
  const confidentiality = tables.valueMap('confidentiality', attr(confidentialityEl, 'code'));
  if (confidentiality !== undefined) composition['confidentiality'] = confidentiality;
  else if (attr(confidentialityEl, 'code') !== undefined) ctx.warn('unmapped-code', 'ClinicalDocument/confidentialityCode');
  const attester = mapAttesters(root, ctx);
  if (attester.length) composition['attester'] = attester;
  if (custodian) composition['custodian'] = custodian;
  const relatesTo = relatedDocuments(root, ctx);
  if (relatesTo.length) composition['relatesTo'] = relatesTo;
  const event = serviceEvents(root, ctx);
  if (event.length) composition['event'] = event;
  const language = attr(child(root, 'languageCode'), 'code')?.trim();
  if (language) composition['language'] = language;
  const body = child(child(root, 'component'), 'structuredBody');
  if (body) {
    const sections = mapSections(body, ctx, 'structuredBody');
    if (sections.length) composition['section'] = sections;
  }

  const securityLabel = codeableConcept(confidentialityEl, ctx);
  const date = instantOf(child(root, 'effectiveTime'));
  const servicePeriod = event[0]?.['period'] as Period | undefined;
  buildDocumentReference(
    root,
    source,
    {
      ...(identifier ? { masterIdentifier: identifier } : {}),
      ...(type ? { type } : {}),
      ...(date !== undefined ? { date } : {}),
      authors,
      ...(custodian ? { custodian } : {}),
      title,
      ...(securityLabel ? { securityLabel } : {}),
      ...(servicePeriod ? { servicePeriod } : {}),
    },
    ctx,
  );

  const documentType = tables.documentType(templateRoots(root), attr(child(root, 'code'), 'code'));
  return { bundle: assemble(composition, ctx, root, identifier, options), issues: ctx.issues, documentType };
}

function assemble(composition: FhirResource, ctx: CdaContext, root: XmlElement, identifier: Identifier | undefined, options: CdaConvertOptions): Bundle {
  const base = options.baseUrl?.replace(/\/+$/, '');
  const fullUrl = (r: FhirResource): string => (base ? `${base}/${r.resourceType}/${r.id}` : `urn:uuid:${r.id}`);
  const entry: BundleEntry[] = [{ fullUrl: fullUrl(composition), resource: composition }];
  for (const r of ctx.resources.values()) entry.push({ fullUrl: fullUrl(r), resource: r });
  const bundle: Bundle = { resourceType: 'Bundle', id: ctx.id('Bundle', 'cda-doc', ctx.documentKey), type: 'document', entry };
  // bdl-9: a document Bundle's identifier has a system and a value.
  bundle['identifier'] =
    identifier?.system !== undefined && identifier.value !== undefined
      ? identifier
      : { system: ID_RFC3986, value: `urn:uuid:${ctx.id('Bundle.identifier', ctx.documentKey)}` };
  bundle['timestamp'] = timestamp(root, options);
  return bundle;
}

/** Bundle.timestamp (an instant): the document's effectiveTime, in the given zone when it has none. */
function timestamp(root: XmlElement, options: CdaConvertOptions): string {
  const value = attr(child(root, 'effectiveTime'), 'value');
  const instant = value !== undefined ? dtmToInstant(value, options.timezone ?? 'Z') : undefined;
  // A document without a usable time: when it was converted (the only time we know).
  return instant ?? new Date().toISOString();
}

function relatedDocuments(root: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const rd of childrenNamed(root, 'relatedDocument')) {
    const code = ctx.tables.valueMap('related-document-type', attr(rd, 'typeCode'));
    const target = identifiers(childrenNamed(child(rd, 'parentDocument'), 'id'), ctx)[0];
    if (code === undefined || !target) {
      ctx.warn('related-document-unusable', 'ClinicalDocument/relatedDocument');
      continue;
    }
    out.push({ code, targetIdentifier: target });
  }
  return out;
}

function serviceEvents(root: XmlElement, ctx: CdaContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of childrenNamed(root, 'documentationOf')) {
    const se = child(d, 'serviceEvent');
    if (!se) continue;
    const event: Record<string, unknown> = {};
    const code = codeableConcept(child(se, 'code'), ctx);
    if (code) event['code'] = [code];
    const period = periodOf(child(se, 'effectiveTime'));
    if (period) event['period'] = period;
    const detail: Reference[] = [];
    for (const p of childrenNamed(se, 'performer')) {
      const ref = practitionerOf(child(p, 'assignedEntity'), ctx);
      if (ref && !detail.some((x) => x.reference === ref.reference)) detail.push(ref);
    }
    if (detail.length) event['detail'] = detail;
    if (Object.keys(event).length) out.push(event);
  }
  return out;
}

function templateRoots(element: XmlElement): string[] {
  const out: string[] = [];
  for (const t of childrenNamed(element, 'templateId')) {
    const root = attr(t, 'root');
    if (root !== undefined) out.push(root);
  }
  return out;
}

function collapsed(element: XmlElement | undefined): string {
  if (!element) return '';
  const parts: string[] = [];
  const walk = (e: XmlElement): void => {
    for (const n of e.content) typeof n === 'string' ? parts.push(n) : walk(n);
  };
  walk(element);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

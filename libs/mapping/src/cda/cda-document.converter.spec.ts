import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseXml } from '@hie/cda';
import type { FhirResource } from '@hie/fhir';
import { convertCdaDocument } from './cda-document.converter.js';
import { convertCorpus, corpusBytes, corpusNames, emptyValues, specTables, unresolvedReferences } from './testing/cda-spec.helpers.js';

function resources(name: string, type: string): FhirResource[] {
  return (convertCorpus(name).bundle.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType === type);
}

function convertText(text: string, options: { baseUrl?: string } = {}) {
  const bytes = new TextEncoder().encode(text);
  return convertCdaDocument(parseXml(bytes), { bytes, sha1Base64: createHash('sha1').update(bytes).digest('base64') }, specTables(), {
    idSecret: 's',
    ...options,
  });
}

const MINIMAL = (body: string, header = '') =>
  `<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
  `<templateId root="2.16.840.1.113883.10.20.22.1.1"/><id root="1.2.3.4" extension="doc-7"/><code code="11506-3" codeSystem="2.16.840.1.113883.6.1"/>` +
  `<effectiveTime value="20200102030405"/>${header}` +
  `<recordTarget><patientRole><id root="1.2.3.5" extension="mrn-1"/><patient><name><given>A</given><family>B</family></name></patient></patientRole></recordTarget>` +
  `<component><structuredBody>${body}</structuredBody></component></ClinicalDocument>`;

describe('convertCdaDocument: the header', () => {
  const { bundle, documentType } = convertCorpus('CCD.ccda');
  const composition = bundle.entry![0]!.resource!;

  it('makes a document Bundle with identifier and timestamp from the document id and effectiveTime', () => {
    expect(bundle.type).toBe('document');
    expect(bundle['identifier']).toEqual({ system: 'urn:uuid:be84a8e4-a22e-4210-a4a6-b3c48273e84c', value: 'EHRVersion2.0' });
    expect(bundle['timestamp']).toBe('2014-10-15T10:30:26-05:00');
    expect(documentType).toBe('ccd');
  });

  it('maps recordTarget to the Patient', () => {
    const [patient] = resources('CCD.ccda', 'Patient');
    expect(patient).toMatchObject({
      identifier: [
        { system: 'urn:oid:1.3.6.1.4.1.16517.1', value: '98765432' },
        { system: 'http://hl7.org/fhir/sid/us-ssn', value: '12345679' },
      ],
      name: [{ use: 'official', family: 'Jones', given: ['Isabella'] }],
      gender: 'female',
      birthDate: '1950-12-19',
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' }] },
      telecom: [{ system: 'phone', value: '+1(444)444-4444', use: 'mobile' }, { system: 'email', value: 'Isbella.Jones.CCD@gmail.com' }],
    });
    const race = (patient!['extension'] as { url: string; extension?: { url: string }[] }[]).find((e) => e.url.endsWith('us-core-race'));
    expect(race?.extension?.map((e) => e.url)).toEqual(['ombCategory', 'detailed', 'text']);
    expect(composition['subject']).toEqual({ reference: `Patient/${patient!.id}` });
  });

  it('fills the Composition from the header', () => {
    expect(composition).toMatchObject({
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '34133-9' }] },
      date: '2014-10-15T10:30:26-05:00',
      title: 'Summary of Patient Chart',
      confidentiality: 'N',
      language: 'en-US',
      identifier: { system: 'urn:uuid:be84a8e4-a22e-4210-a4a6-b3c48273e84c', value: 'EHRVersion2.0' },
    });
    expect((composition['author'] as unknown[]).length).toBeGreaterThan(0);
    expect(composition['custodian']).toMatchObject({ reference: expect.stringMatching(/^Organization\//) });
    expect(composition['attester']).toContainEqual(expect.objectContaining({ mode: 'legal' }));
  });

  it('gives a nullFlavored empty section its emptyReason and keeps its narrative', () => {
    const problems = (composition['section'] as { title?: string; emptyReason?: unknown; text?: { div: string } }[]).find((s) => s.title === 'PROBLEMS');
    expect(problems?.emptyReason).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' }] });
    expect(problems?.text?.div).toContain('No Information');
  });

  it('keeps the original document in a DocumentReference (base64, size, SHA-1)', () => {
    const bytes = corpusBytes('CCD.ccda');
    const [doc] = resources('CCD.ccda', 'DocumentReference');
    const attachment = (doc!['content'] as { attachment: Record<string, unknown> }[])[0]!.attachment;
    expect(Buffer.from(attachment['data'] as string, 'base64').equals(bytes)).toBe(true);
    expect(attachment['size']).toBe(bytes.byteLength);
    expect(attachment['hash']).toBe(createHash('sha1').update(bytes).digest('base64'));
    expect(attachment['contentType']).toBe('application/xml');
    expect(doc).toMatchObject({ status: 'current', subject: composition['subject'], masterIdentifier: composition['identifier'] });
  });
});

describe('convertCdaDocument: document kinds and relations', () => {
  it('reports the document type of every corpus document from its template', () => {
    const types = Object.fromEntries(corpusNames().map((n) => [n, convertCorpus(n).documentType]));
    expect(types).toMatchObject({
      'Discharge_Summary.ccda': 'discharge-summary',
      'History_and_Physical.ccda': 'history-and-physical',
      'Operative_Note.ccda': 'operative-note',
      'Procedure_Note.ccda': 'procedure-note',
      'Progress_Note.ccda': 'progress-note',
      'Referral_Note.ccda': 'referral-note',
      'Transfer_Summary.ccda': 'transfer-summary',
      'Consultation_Note.ccda': 'consultation-note',
      'Care_Plan.ccda': 'care-plan',
      'Diagnostic_Imaging_Report.ccda': 'diagnostic-imaging-report',
      'Unstructured_Document_embed.ccda': 'unstructured-document',
    });
    expect(convertText(MINIMAL('')).documentType).toBe('progress-note');
  });

  it('says which document a replacement replaces', () => {
    const composition = convertCorpus('CCD-Parent-Document-Replace-C-CDAR2.1.ccda').bundle.entry![0]!.resource!;
    expect(composition['relatesTo']).toEqual([{ code: 'replaces', targetIdentifier: { system: 'urn:oid:2.16.840.1.113883.19.5.99999.1', value: 'TT661' } }]);
  });

  it('carries an unstructured body: embedded (base64) or referenced', () => {
    const embedded = resources('Unstructured_Document_embed.ccda', 'DocumentReference')[0]!;
    const pdf = (embedded['content'] as { attachment: Record<string, string> }[])[1]!.attachment;
    expect(pdf['contentType']).toBe('application/pdf');
    expect(Buffer.from(pdf['data']!, 'base64').subarray(0, 4).toString('latin1')).toBe('%PDF');
    const referenced = resources('Unstructured_Document_reference.ccda', 'DocumentReference')[0]!;
    expect((referenced['content'] as { attachment: Record<string, string> }[])[1]!.attachment['url']).toBeTruthy();
  });

  it('nests sub-sections', () => {
    const sections = convertCorpus('Transfer_Summary.ccda').bundle.entry![0]!.resource!['section'] as { section?: unknown[] }[];
    expect(sections.some((s) => (s.section?.length ?? 0) > 0)).toBe(true);
  });
});

describe('convertCdaDocument: rules over every corpus document', () => {
  for (const name of corpusNames()) {
    it(`${name}: references resolve, nothing empty, fullUrls unique, same input same Bundle`, () => {
      const { bundle } = convertCorpus(name);
      expect(unresolvedReferences(bundle)).toEqual([]);
      expect(emptyValues(bundle)).toEqual([]);
      const urls = bundle.entry!.map((e) => e.fullUrl);
      expect(new Set(urls).size).toBe(urls.length);
      expect(JSON.stringify(convertCorpus(name).bundle)).toBe(JSON.stringify(bundle));
    });
  }
});

describe('convertCdaDocument: edges', () => {
  it('uses RESTful fullUrls under a base URL, urn:uuid otherwise', () => {
    const plain = convertText(MINIMAL('')).bundle.entry![0]!;
    expect(plain.fullUrl).toBe(`urn:uuid:${plain.resource!.id}`);
    const based = convertText(MINIMAL(''), { baseUrl: 'https://h.example/fhir/' }).bundle.entry![0]!;
    expect(based.fullUrl).toBe(`https://h.example/fhir/Composition/${based.resource!.id}`);
  });

  it('gives a section with no text, entries or sub-sections a generated narrative (cmp-1)', () => {
    const { bundle } = convertText(MINIMAL('<component><section nullFlavor="NASK"><code code="10164-2" codeSystem="2.16.840.1.113883.6.1"/><title>HPI</title></section></component>'));
    expect(bundle.entry![0]!.resource!['section']).toEqual([
      {
        title: 'HPI',
        code: { coding: [{ system: 'http://loinc.org', code: '10164-2' }] },
        emptyReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'notasked' }] },
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">HPI</div>' },
      },
    ]);
  });

  it('puts a zone on the Bundle timestamp only there, keeping the Composition date at its precision', () => {
    const { bundle } = convertText(MINIMAL(''));
    expect(bundle['timestamp']).toBe('2020-01-02T03:04:05Z');
    expect(bundle.entry![0]!.resource!['date']).toBe('2020-01-02');
  });

  it('refuses what is not a ClinicalDocument, and a document without a patient', () => {
    expect(() => convertText('<foo xmlns="urn:hl7-org:v3"/>')).toThrow(expect.objectContaining({ code: 'CDA_NOT_A_DOCUMENT' }));
    const noPatient = MINIMAL('').replace(/<recordTarget>.*<\/recordTarget>/, '');
    expect(() => convertText(noPatient)).toThrow(expect.objectContaining({ code: 'CDA_REQUIRED_MISSING' }));
  });

  it('marks a missing author as data-absent (Composition.author is required)', () => {
    const composition = convertText(MINIMAL('')).bundle.entry![0]!.resource!;
    expect(composition['author']).toEqual([{ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] }]);
  });
});

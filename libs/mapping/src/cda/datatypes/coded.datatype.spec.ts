import { describe, expect, it } from 'vitest';
import { CdaContext } from '../cda-context.js';
import { codeableConcept, codeSystemUri, coding, dataAbsentReason } from '../cda-datatypes.js';
import { specTables, xml } from '../testing/cda-spec.helpers.js';

function ctxWith(documentXml = '<section/>'): CdaContext {
  return new CdaContext(specTables(), { idSecret: 's', document: xml(documentXml) });
}

describe('coded datatypes', () => {
  it('maps a known OID through the table and keeps an unknown one as urn:oid with a warning', () => {
    const ctx = ctxWith();
    expect(codeSystemUri('2.16.840.1.113883.6.1', ctx)).toBe('http://loinc.org');
    expect(codeSystemUri('1.2.3.4.5', ctx)).toBe('urn:oid:1.2.3.4.5');
    expect(ctx.issues.map((i) => i.diagnostics)).toEqual(['unknown-code-system at 1.2.3.4.5']);
    expect(codeSystemUri('2A6E2C5B-1111-4A4B-9C9D-000000000000', ctx)).toBe('urn:uuid:2a6e2c5b-1111-4a4b-9c9d-000000000000');
    expect(codeSystemUri('LOINC', ctx)).toBeUndefined();
  });

  it('reads a CD into a Coding (code, system, display), nothing without a code', () => {
    const ctx = ctxWith();
    expect(coding(xml('<code code=" 8480-6 " codeSystem="2.16.840.1.113883.6.1" displayName=" Systolic BP "/>'), ctx)).toEqual({
      system: 'http://loinc.org',
      code: '8480-6',
      display: 'Systolic BP',
    });
    expect(coding(xml('<code nullFlavor="UNK" displayName="x"/>'), ctx)).toBeUndefined();
    expect(coding(xml('<code code="A" displayName=""/>'), ctx)).toEqual({ code: 'A' });
  });

  it('keeps translations and takes text from the referenced narrative', () => {
    const ctx = ctxWith('<section><text><content ID="p1">  Essential   hypertension </content></text></section>');
    const cc = codeableConcept(
      xml(
        '<value xsi:type="CD" code="59621000" codeSystem="2.16.840.1.113883.6.96"><originalText><reference value="#p1"/></originalText>' +
          '<translation code="I10" codeSystem="2.16.840.1.113883.6.90"/><translation code="59621000" codeSystem="2.16.840.1.113883.6.96"/></value>',
      ),
      ctx,
    );
    expect(cc).toEqual({
      coding: [
        { system: 'http://snomed.info/sct', code: '59621000' },
        { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' },
      ],
      text: 'Essential hypertension',
    });
  });

  it('keeps the code of a nullFlavored CD through its translation, or its text; nothing when it has neither', () => {
    const ctx = ctxWith();
    expect(codeableConcept(xml('<code nullFlavor="OTH"><translation code="X1" codeSystem="2.16.840.1.113883.6.96"/></code>'), ctx)?.coding?.[0]?.code).toBe('X1');
    expect(codeableConcept(xml('<code nullFlavor="OTH"><originalText>Free text</originalText></code>'), ctx)).toEqual({ text: 'Free text' });
    expect(codeableConcept(xml('<code nullFlavor="UNK"/>'), ctx)).toBeUndefined();
    expect(codeableConcept(undefined, ctx)).toBeUndefined();
  });

  it('gives the data-absent-reason of a nullFlavor through the table (unknown by default)', () => {
    const ctx = ctxWith();
    const url = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
    expect(dataAbsentReason(xml('<value nullFlavor="ASKU"/>'), ctx)).toEqual({ url, valueCode: 'asked-unknown' });
    expect(dataAbsentReason(xml('<value nullFlavor="MSK"/>'), ctx)).toEqual({ url, valueCode: 'masked' });
    expect(dataAbsentReason(undefined, ctx)).toEqual({ url, valueCode: 'unknown' });
  });
});

import { describe, expect, it } from 'vitest';
import type { FhirResource, OperationOutcomeIssue } from './fhir-resource.model.js';
import { createR4Validator } from './r4-validator.js';

const validator = createR4Validator();
const check = (resource: Record<string, unknown>): OperationOutcomeIssue[] => validator.validate(resource as FhirResource);
/** `code @ expression` of each issue, which is what the tests pin down. */
const issues = (resource: Record<string, unknown>): string[] => check(resource).map((i) => `${i.code} @ ${i.expression?.[0] ?? ''}`);

const uuid = (n: number): string => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [{ system: 'urn:oid:1.2.3', value: 'MRN1' }],
  name: [{ family: 'Doe', given: ['Jo', 'Q'] }],
  gender: 'female',
  birthDate: '1970-01-31',
};

describe('createR4Validator', () => {
  it('is built once and cached', () => {
    expect(createR4Validator()).toBe(validator);
  });

  it('accepts a valid resource', () => {
    expect(check(patient)).toEqual([]);
  });

  describe('resource type', () => {
    it('rejects a non-object, a missing and an unknown resourceType', () => {
      expect(issues([] as unknown as Record<string, unknown>)).toEqual(['structure @ ']);
      expect(issues({ id: 'x' })).toEqual(['structure @ Resource']);
      expect(issues({ resourceType: 'Patientt' })).toEqual(['structure @ Resource.resourceType']);
      expect(issues({ resourceType: 'DomainResource' })).toEqual(['structure @ Resource.resourceType']);
    });
  });

  describe('unknown elements', () => {
    it('rejects them at every level', () => {
      expect(issues({ ...patient, nickname: 'x' })).toEqual(['structure @ Patient.nickname']);
      expect(issues({ ...patient, name: [{ family: 'D', middle: 'x' }] })).toEqual(['structure @ Patient.name[0].middle']);
      expect(issues({ ...patient, contact: [{ name: { family: 'D' }, foo: 1 }] })).toEqual(['structure @ Patient.contact[0].foo']);
    });
  });

  describe('cardinality', () => {
    it('requires arrays for repeating elements and single values otherwise', () => {
      expect(issues({ ...patient, name: { family: 'D' } })).toEqual(['structure @ Patient.name']);
      expect(issues({ ...patient, gender: ['female'] })).toEqual(['structure @ Patient.gender']);
    });

    it('requires min-1 elements, in backbones too', () => {
      expect(issues({ resourceType: 'Observation', code: { text: 'x' } })).toEqual(['required @ Observation.status']);
      expect(issues({ ...patient, communication: [{ preferred: true }] })).toEqual(['required @ Patient.communication[0].language']);
    });

    it('counts a required primitive given only as _element as present', () => {
      expect(check({ resourceType: 'Observation', _status: { extension: [{ url: 'http://x', valueString: 'y' }] }, code: { text: 'x' } })).toEqual([]);
    });

    it('refuses elements whose max is 0 in a profiled type (SimpleQuantity.comparator)', () => {
      const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
      expect(check({ ...obs, referenceRange: [{ low: { value: 1 } }] })).toEqual([]);
      expect(issues({ ...obs, referenceRange: [{ low: { value: 1, comparator: '<' } }] })).toContain('structure @ Observation.referenceRange[0].low.comparator');
    });
  });

  describe('choice types', () => {
    const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
    it('accepts each declared variant with its own type', () => {
      expect(check({ ...obs, valueQuantity: { value: 1.5, unit: 'mg' } })).toEqual([]);
      expect(check({ ...obs, valueString: 'x' })).toEqual([]);
      expect(check({ ...obs, effectivePeriod: { start: '2020-01-01' } })).toEqual([]);
    });
    it('rejects an undeclared variant, a wrongly typed variant and two variants at once', () => {
      expect(issues({ ...obs, valueAddress: { city: 'x' } })).toEqual(['structure @ Observation.valueAddress']);
      expect(issues({ ...obs, valueQuantity: 'x' })).toEqual(['structure @ Observation.valueQuantity']);
      expect(issues({ ...obs, valueString: 'x', valueBoolean: true })).toEqual(['structure @ Observation.valueBoolean']);
    });
    it('allows a primitive variant with its _ extension', () => {
      expect(check({ ...obs, valueString: 'x', _valueString: { id: 'a' } })).toEqual([]);
    });
  });

  describe('primitive formats', () => {
    const cases: [string, unknown, boolean][] = [
      ['birthDate', '2020', true],
      ['birthDate', '2020-02', true],
      ['birthDate', '2020-02-29', true],
      ['birthDate', '2021-02-29', false],
      ['birthDate', '2020-13-01', false],
      ['birthDate', '2020-01-01T00:00:00Z', false],
      ['birthDate', 20200101, false],
      ['deceasedDateTime', '2020-01-01T10:00:00+01:00', true],
      ['deceasedDateTime', '2020-01-01T10:00:00', false],
      ['deceasedDateTime', '2020-04-31', false],
      ['deceasedBoolean', true, true],
      ['deceasedBoolean', 'true', false],
      ['multipleBirthInteger', 2, true],
      ['multipleBirthInteger', 1.5, false],
      ['multipleBirthInteger', 2147483648, false],
      ['id', 'a-b.C9', true],
      ['id', 'a_b', false],
      ['id', 'x'.repeat(65), false],
      ['implicitRules', 'http://x/y', true],
      ['implicitRules', 'http://x y', false],
      ['language', 'en-US', true],
      ['language', ' en', false],
      ['language', '', false],
    ];
    it.each(cases)('%s = %j valid: %s', (element, value, valid) => {
      expect(check({ resourceType: 'Patient', [element]: value }).length === 0).toBe(valid);
    });

    it('checks decimal, positiveInt, unsignedInt, instant, time, oid, uuid, base64Binary, xhtml', () => {
      const base = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
      expect(check({ ...base, valueQuantity: { value: 1e400 } })).not.toEqual([]);
      expect(check({ ...base, valueTime: '25:00:00' })).not.toEqual([]);
      expect(check({ ...base, valueTime: '23:59:60' })).toEqual([]);
      expect(check({ ...base, issued: '2020-01-01T00:00:00Z' })).toEqual([]);
      expect(check({ ...base, issued: '2020-01-01' })).not.toEqual([]);
      expect(check({ ...base, valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 0, data: 'E' } })).not.toEqual([]);
      expect(check({ ...base, valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 1, data: 'E' } })).toEqual([]);
      const identifier = (system: string): Record<string, unknown> => ({ resourceType: 'Patient', identifier: [{ system, value: '1' }] });
      expect(check(identifier('urn:oid:2.16.840.1'))).toEqual([]);
      const attachment = (data: string): Record<string, unknown> => ({ resourceType: 'Patient', photo: [{ contentType: 'image/png', data }] });
      expect(check(attachment('aGVsbG8='))).toEqual([]);
      expect(check(attachment('aGVsbG8'))).not.toEqual([]);
      expect(check(attachment('aGV*bG8='))).not.toEqual([]);
      const narrative = (div: string): Record<string, unknown> => ({ ...patient, text: { status: 'generated', div } });
      expect(check(narrative('<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>'))).toEqual([]);
      expect(check(narrative('<p>x</p>'))).not.toEqual([]);
      const msg = { resourceType: 'MessageHeader', eventCoding: { code: 'x' }, source: { endpoint: 'urn:uuid:not-a-uuid' } };
      expect(check(msg)).toEqual([]); // endpoint is a url, not a uuid
      const pr = { resourceType: 'Patient', multipleBirthInteger: -1 };
      expect(check(pr)).toEqual([]); // integer may be negative; positiveInt may not:
      expect(check({ resourceType: 'ImagingStudy', status: 'available', subject: { reference: 'Patient/1' }, numberOfSeries: -1 })).not.toEqual([]);
    });

    it('refuses whitespace-only strings', () => {
      expect(issues({ ...patient, name: [{ family: '  ' }] })).toEqual(['value @ Patient.name[0].family']);
    });
  });

  describe('no empty elements (ele-1)', () => {
    it('refuses {}, [] and ""', () => {
      expect(issues({ ...patient, name: [{}] })).toEqual(['structure @ Patient.name[0]']);
      expect(issues({ ...patient, name: [] })).toEqual(['structure @ Patient.name']);
      expect(issues({ ...patient, gender: '' })).toEqual(['value @ Patient.gender']);
      expect(issues({ ...patient, meta: {} })).toEqual(['structure @ Patient.meta']);
    });
    it('refuses null', () => {
      expect(issues({ ...patient, gender: null })).toEqual(['structure @ Patient.gender']);
      expect(issues({ ...patient, name: [null] })).toEqual(['structure @ Patient.name[0]']);
    });
  });

  describe('_element primitive extensions', () => {
    const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
    it('accepts _x for a single primitive and parallel arrays with nulls', () => {
      expect(check({ ...patient, _birthDate: ext })).toEqual([]);
      expect(check({ ...patient, name: [{ given: ['A', null], _given: [null, ext] }] })).toEqual([]);
      expect(check({ ...patient, name: [{ _given: [ext] }] })).toEqual([]);
    });
    it('rejects misaligned, empty, unknown and non-primitive _x', () => {
      expect(issues({ ...patient, name: [{ given: ['A', null] }] })).toEqual(['structure @ Patient.name[0].given[1]']);
      expect(issues({ ...patient, name: [{ given: ['A', 'B'], _given: [ext] }] })).toEqual(['structure @ Patient.name[0]._given']);
      expect(issues({ ...patient, _birthDate: {} })).toEqual(['structure @ Patient._birthDate']);
      expect(issues({ ...patient, _birthDate: { foo: 1 } })).toEqual(['structure @ Patient._birthDate.foo']);
      expect(issues({ ...patient, _name: ext })).toEqual(['structure @ Patient._name']);
      expect(issues({ ...patient, name: [{ given: [null], _given: [null] }] })).toEqual(['structure @ Patient.name[0].given[0]']);
    });
  });

  describe('required bindings', () => {
    it('checks codes against enumerable required value sets', () => {
      expect(issues({ ...patient, gender: 'F' })).toEqual(['code-invalid @ Patient.gender']);
      expect(issues({ ...patient, telecom: [{ system: 'phone', value: '1', use: 'HOME' }] })).toEqual(['code-invalid @ Patient.telecom[0].use']);
      expect(check({ ...patient, telecom: [{ system: 'phone', value: '1', use: 'home' }] })).toEqual([]);
    });
    it('needs a coding from the value set in a required-bound CodeableConcept', () => {
      const allergy = (clinicalStatus: unknown): Record<string, unknown> => ({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1' }, clinicalStatus });
      const system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
      expect(check(allergy({ coding: [{ system, code: 'active' }] }))).toEqual([]);
      expect(check(allergy({ coding: [{ system: 'http://other', code: 'x' }, { system, code: 'inactive' }] }))).toEqual([]);
      expect(issues(allergy({ coding: [{ system, code: 'nope' }] }))).toEqual(['code-invalid @ AllergyIntolerance.clinicalStatus']);
      expect(issues(allergy({ coding: [{ code: 'active' }] }))).toEqual(['code-invalid @ AllergyIntolerance.clinicalStatus']);
      expect(issues(allergy({ text: 'active' }))).toEqual(['code-invalid @ AllergyIntolerance.clinicalStatus']);
    });
    it('leaves non-enumerable value sets (MIME types) alone', () => {
      expect(check({ ...patient, photo: [{ contentType: 'image/x-anything' }] })).toEqual([]);
    });
  });

  describe('references', () => {
    const withOrg = (reference: string): Record<string, unknown> => ({ ...patient, managingOrganization: { reference } });
    it.each([
      ['Organization/o1', true],
      ['Organization/o1/_history/2', true],
      ['https://fhir.example.org/r4/Organization/o1', true],
      ['urn:uuid:6b2c1f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', true],
      ['urn:oid:1.2.3', true],
      ['https://example.org/some/thing', true],
      ['Patient/p2', false],
      ['Organisation/o1', false],
      ['Organization/', false],
      ['Organization/a_b', false],
      ['urn:uuid:6B2C1F3E-1A2B-4C3D-8E9F-0A1B2C3D4E5F', false],
      ['urn:uuid:xyz', false],
      ['garbage ref', false],
    ])('%s valid: %s', (reference, valid) => {
      expect(check(withOrg(reference)).length === 0).toBe(valid);
    });
    it('accepts a reference with only an identifier or display', () => {
      expect(check({ ...patient, managingOrganization: { display: 'Acme' } })).toEqual([]);
    });
  });

  describe('contained resources (dom-2..5, ref-1)', () => {
    const org = { resourceType: 'Organization', id: 'o1', name: 'Acme' };
    it('accepts a referenced contained resource and validates it', () => {
      expect(check({ ...patient, contained: [org], managingOrganization: { reference: '#o1' } })).toEqual([]);
      expect(issues({ ...patient, contained: [{ ...org, foo: 1 }], managingOrganization: { reference: '#o1' } })).toEqual([
        'structure @ Patient.contained[0].foo',
      ]);
    });
    it('dom-3: rejects an unreferenced contained resource', () => {
      expect(issues({ ...patient, contained: [org] })).toEqual(['invariant @ Patient.contained[0]']);
    });
    it('dom-3: accepts a contained resource that refers to its container', () => {
      const prov = { resourceType: 'Provenance', id: 'v', target: [{ reference: '#' }], recorded: '2020-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] };
      expect(check({ ...patient, contained: [prov] })).toEqual([]);
    });
    it('ref-1: rejects a local reference to nothing', () => {
      expect(issues({ ...patient, managingOrganization: { reference: '#nope' } })).toEqual(['invariant @ Patient.managingOrganization.reference']);
    });
    it('dom-2, dom-4, dom-5', () => {
      const ref = { managingOrganization: { reference: '#o1' } };
      expect(issues({ ...patient, ...ref, contained: [{ ...org, contained: [{ ...org, id: 'o2' }] }] })).toContain('invariant @ Patient.contained[0].contained');
      expect(issues({ ...patient, ...ref, contained: [{ ...org, meta: { versionId: '1' } }] })).toEqual(['invariant @ Patient.contained[0].meta']);
      expect(issues({ ...patient, ...ref, contained: [{ ...org, meta: { security: [{ code: 'R' }] } }] })).toEqual(['invariant @ Patient.contained[0].meta']);
    });
  });

  describe('extensions (ext-1)', () => {
    it('need a url and exactly one of value[x] or extensions', () => {
      expect(check({ ...patient, extension: [{ url: 'http://x', valueCode: 'a' }] })).toEqual([]);
      expect(check({ ...patient, extension: [{ url: 'http://x', extension: [{ url: 'y', valueInteger: 1 }] }] })).toEqual([]);
      expect(issues({ ...patient, extension: [{ valueCode: 'a' }] })).toEqual(['required @ Patient.extension[0].url']);
      expect(issues({ ...patient, extension: [{ url: 'http://x' }] })).toEqual(['invariant @ Patient.extension[0]']);
      expect(issues({ ...patient, extension: [{ url: 'http://x', valueCode: 'a', extension: [{ url: 'y', valueInteger: 1 }] }] })).toEqual([
        'invariant @ Patient.extension[0]',
      ]);
      expect(issues({ ...patient, modifierExtension: [{ url: 'http://x', valueFoo: 1 }] })).toContain('structure @ Patient.modifierExtension[0].valueFoo');
    });
  });

  describe('invariants', () => {
    it('pat-1, cpt-2, per-1, obs-6, org-1', () => {
      expect(issues({ ...patient, contact: [{ gender: 'male' }] })).toEqual(['invariant @ Patient.contact[0]']);
      expect(issues({ ...patient, telecom: [{ value: '555' }] })).toEqual(['invariant @ Patient.telecom[0]']);
      const encounter = (period: unknown): Record<string, unknown> => ({ resourceType: 'Encounter', status: 'finished', class: { code: 'IMP' }, period });
      expect(check(encounter({ start: '2020-01-01', end: '2020-01-02T00:00:00Z' }))).toEqual([]);
      expect(issues(encounter({ start: '2020-01-02T10:00:00Z', end: '2020-01-02T09:00:00Z' }))).toEqual(['invariant @ Encounter.period']);
      const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
      expect(issues({ ...obs, valueString: 'x', dataAbsentReason: { text: 'y' } })).toEqual(['invariant @ Observation']);
      expect(issues({ resourceType: 'Organization', active: true })).toEqual(['invariant @ Organization']);
    });
    it('scopes reused keys to their element (Task inv-1 is not Parameters inv-1)', () => {
      expect(check({ resourceType: 'Task', status: 'requested', intent: 'order', authoredOn: '2020-01-01', lastModified: '2020-01-02' })).toEqual([]);
      expect(issues({ resourceType: 'Task', status: 'requested', intent: 'order', authoredOn: '2020-01-02', lastModified: '2020-01-01' })).toEqual(['invariant @ Task']);
      expect(issues({ resourceType: 'Parameters', parameter: [{ name: 'a', valueString: 'x', resource: patient }] })).toEqual(['invariant @ Parameters.parameter[0]']);
    });
  });

  describe('Bundles', () => {
    const entry = (n: number, resource: Record<string, unknown>): Record<string, unknown> => ({
      fullUrl: uuid(n),
      resource,
      request: { method: 'PUT', url: `${String(resource['resourceType'])}/${String(resource['id'])}` },
    });
    const obs = { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, subject: { reference: uuid(1) } };
    const bundle = (entries: unknown[], type = 'transaction'): Record<string, unknown> => ({ resourceType: 'Bundle', type, entry: entries });

    it('accepts a transaction whose urn:uuid references resolve to allowed types', () => {
      expect(check(bundle([entry(1, patient), entry(2, obs)]))).toEqual([]);
    });
    it('validates entry resources with their path', () => {
      expect(issues(bundle([entry(1, { ...patient, foo: 1 })]))).toEqual(['structure @ Bundle.entry[0].resource.foo']);
    });
    it('rejects urn:uuid references that do not resolve, or resolve to a type the element does not allow', () => {
      expect(issues(bundle([entry(2, obs)]))).toEqual(['not-found @ Bundle.entry[0].resource.subject.reference']);
      const org = { resourceType: 'Organization', id: 'g', name: 'x' };
      expect(issues(bundle([entry(1, org), entry(2, obs)]))).toEqual(['structure @ Bundle.entry[1].resource.subject.reference']);
      expect(check(bundle([{ fullUrl: uuid(2), resource: obs }], 'collection'))).toEqual([]);
    });
    it('bdl-3/bdl-4/bdl-7/bdl-12', () => {
      expect(issues(bundle([{ fullUrl: uuid(1), resource: patient }]))).toEqual(['invariant @ Bundle']);
      expect(issues(bundle([entry(1, patient)], 'collection'))).toEqual(['invariant @ Bundle']);
      expect(issues(bundle([entry(1, patient), entry(1, { ...patient })]))).toEqual(['invariant @ Bundle']);
      expect(issues(bundle([{ fullUrl: uuid(1), resource: patient }], 'message'))).toEqual(['invariant @ Bundle']);
    });
    it('fullUrl agrees with the resource', () => {
      const at = (fullUrl: string): Record<string, unknown> => bundle([{ ...entry(1, patient), fullUrl }]);
      expect(check(at('https://x.org/fhir/Patient/p1'))).toEqual([]);
      expect(issues(at('https://x.org/fhir/Patient/p2'))).toEqual(['value @ Bundle.entry[0].fullUrl']);
      expect(issues(at('https://x.org/fhir/Observation/p1'))).toEqual(['value @ Bundle.entry[0].fullUrl']);
      expect(issues(at('urn:uuid:P1'))).toEqual(['value @ Bundle.entry[0].fullUrl']);
      expect(issues(at('https://x.org/fhir/Patient/p1/_history/1'))).toEqual(['invariant @ Bundle.entry[0]']);
    });
  });

  it('recurses into contentReference elements (Questionnaire.item.item)', () => {
    const q = { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'string', bogus: 1 }] }] };
    expect(issues(q)).toEqual(['structure @ Questionnaire.item[0].item[0].bogus']);
  });

  it('reports several issues with FHIRPath-like expressions, without values in the text', () => {
    const result = check({ ...patient, birthDate: '1970-02-31', name: [{ given: ['A', 42] }], gender: 'secret-value' });
    expect(result.map((i) => i.expression?.[0])).toEqual(['Patient.name[0].given[1]', 'Patient.gender', 'Patient.birthDate']);
    for (const issue of result) {
      expect(issue.severity).toBe('error');
      expect(JSON.stringify(issue)).not.toMatch(/secret-value|1970-02-31/);
    }
  });
});

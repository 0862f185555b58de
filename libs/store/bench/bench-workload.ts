import type { BundleEntry, FhirResource } from '@hie/fhir';

/**
 * The benchmark's message workload: 15 resources per message, 4 of them shared and unchanged
 * from message to message (sending facility Organization, two Practitioners of 20, a Location
 * of 5), 11 the message's own (Patient, Encounter, DiagnosticReport, 8 Observations).
 */
/** The shared resources as a mapper emits them: the same content in every message. */
function shared(n: number): FhirResource[] {
  const practitioner = (k: number): FhirResource => ({
    resourceType: 'Practitioner', id: `pr-${k}`, identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: `NPI${k}` }],
    name: [{ family: `Doc${k}`, given: ['Attending'], prefix: ['Dr'] }],
  });
  return [
    { resourceType: 'Organization', id: 'org-hosp', name: 'Hospital', identifier: [{ system: 'urn:fac', value: 'HOSP' }], active: true },
    practitioner(n % 20),
    practitioner((n * 7 + 3) % 20),
    {
      resourceType: 'Location', id: `loc-${n % 5}`, status: 'active', name: `Ward ${n % 5}`, identifier: [{ system: 'urn:loc', value: `W${n % 5}` }],
      managingOrganization: { reference: 'Organization/org-hosp' },
    },
  ];
}

export function entries(n: number): BundleEntry[] {
  const pid = `p-${n}`;
  const resources: FhirResource[] = [
    {
      resourceType: 'Patient', id: pid, identifier: [{ system: 'urn:mrn', value: `MRN${n}` }], name: [{ family: 'Fam', given: ['Giv'] }], birthDate: '1970-01-01',
      address: [{ line: ['1 Main St'], city: 'Town', postalCode: '12345' }], managingOrganization: { reference: 'Organization/org-hosp' },
    },
    {
      resourceType: 'Encounter', id: `e-${n}`, status: 'finished', class: { code: 'IMP' }, subject: { reference: `Patient/${pid}` }, identifier: [{ value: `V${n}` }],
      location: [{ location: { reference: `Location/loc-${n % 5}` } }], participant: [{ individual: { reference: `Practitioner/pr-${n % 20}` } }],
    },
    ...shared(n),
    {
      resourceType: 'DiagnosticReport', id: `dr-${n}`, status: 'final', code: { text: 'Panel' }, subject: { reference: `Patient/${pid}` },
      performer: [{ reference: 'Organization/org-hosp' }], result: Array.from({ length: 8 }, (_, i) => ({ reference: `Observation/o-${n}-${i}` })),
    },
    ...Array.from({ length: 8 }, (_, i): FhirResource => ({
      resourceType: 'Observation', id: `o-${n}-${i}`, status: 'final', identifier: [{ system: 'urn:obs', value: `${n}.${i}` }],
      code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] },
      subject: { reference: `Patient/${pid}` }, valueQuantity: { value: 42 + i, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      referenceRange: [{ low: { value: 70 }, high: { value: 110 }, text: '70-110' }], effectiveDateTime: '2025-01-01T10:00:00Z',
      performer: [{ reference: `Practitioner/pr-${(n * 7 + 3) % 20}` }],
    })),
  ];
  return resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }));
}


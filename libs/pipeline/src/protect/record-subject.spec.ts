import { describe, expect, it } from 'vitest';
import { patientOf } from './record-subject.js';

describe('patientOf', () => {
  it('a Patient is its own subject', () => {
    expect(patientOf({ resourceType: 'Patient', id: 'p1' })).toBe('p1');
  });

  it('follows patient, subject and beneficiary references to a Patient', () => {
    expect(patientOf({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/p2' } })).toBe('p2');
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Patient/p3' } })).toBe('p3');
    expect(patientOf({ resourceType: 'Coverage', beneficiary: { reference: 'Patient/p4' } })).toBe('p4');
  });

  it('a subject that is not a Patient, or no reference, is nobody', () => {
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Group/g1' } })).toBeUndefined();
    expect(patientOf({ resourceType: 'Practitioner', id: 'x' })).toBeUndefined();
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Patient/' } })).toBeUndefined();
    expect(patientOf({ resourceType: 'Observation', subject: { reference: 'Patient/a/_history/2' } })).toBeUndefined();
  });
});

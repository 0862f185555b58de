import { describe, expect, it } from 'vitest';
import type { Bundle, FhirResource, FhirValidator, OperationOutcomeIssue } from '@hie/fhir';
import type { MappingSet } from '@hie/mapping';
import { ConversionError } from '@hie/mapping';
import { loadConfig } from '@hie/config';
import { Hl7Conversion } from './hl7-conversion.js';

const ADT = 'MSH|^~\\&|APP|FAC|R|RF|20240101120000||ADT^A01^ADT_A01|C1|P|2.5.1\rPID|1||MRN1^^^H^MR||Doe^Jane\r';

function mappings(convert: MappingSet['convert']): Pick<MappingSet, 'supports' | 'convert'> {
  return { supports: (h) => h.messageCode === 'ADT', convert };
}

const patientBundle = (birthDate: string): Bundle => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', id: '1', birthDate }, request: { method: 'PUT', url: 'Patient/1' } }],
});

/** A validator that flags a Patient.birthDate that is not a FHIR date. */
const validator: FhirValidator = {
  validate(resource: FhirResource): OperationOutcomeIssue[] {
    const bundle = resource as Bundle;
    return (bundle.entry ?? []).flatMap((e, i) =>
      typeof e.resource?.birthDate === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(e.resource.birthDate)
        ? [{ severity: 'error' as const, code: 'value', expression: [`Bundle.entry[${i}].resource.birthDate`] }]
        : [],
    );
  },
};

describe('Hl7Conversion', () => {
  it('gives the validated Bundle with the mapping warnings', () => {
    const warning: OperationOutcomeIssue = { severity: 'warning', code: 'value', expression: ['PID-7'] };
    const conversion = new Hl7Conversion(mappings(() => ({ bundle: patientBundle('1980-01-01'), issues: [warning] })), validator, { idSecret: 's' });
    const result = conversion.convert(Buffer.from(ADT), { messageId: 'm1' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.bundle.entry?.[0]?.resource?.resourceType).toBe('Patient');
      expect(result.issues).toEqual([warning]);
    }
  });

  it('passes the id secret and message context to the maps', () => {
    let seen: unknown;
    const conversion = new Hl7Conversion(mappings((_m, o) => ((seen = o), { bundle: patientBundle('1980-01-01'), issues: [] })), validator, { idSecret: 'secret' });
    const receivedAt = new Date(0);
    conversion.convert(ADT, { messageId: 'm1', receivedAt });
    expect(seen).toEqual({ idSecret: 'secret', messageId: 'm1', receivedAt });
  });

  it('passes the configured source time zone to the maps', () => {
    let seen: { timezone?: string } = {};
    const config = loadConfig({ HIE_SOURCE_TIMEZONE: '+02:00' });
    const conversion = Hl7Conversion.fromConfig(mappings((_m, o) => ((seen = o), { bundle: patientBundle('1980-01-01'), issues: [] })), validator, config);
    conversion.convert(ADT);
    expect(seen.timezone).toBe('+02:00');
  });

  it('fails with the FHIRPaths of invalid elements', () => {
    const conversion = new Hl7Conversion(mappings(() => ({ bundle: patientBundle('1980-13'), issues: [] })), validator, { idSecret: 's' });
    const result = conversion.convert(ADT);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.outcome.issue[0]?.details?.coding?.[0]?.code).toBe('FHIR_INVALID');
      expect(result.outcome.issue[1]?.expression).toEqual(['Bundle.entry[0].resource.birthDate']);
    }
  });

  it('fails with the v2 position of a mapping error, never its values', () => {
    const conversion = new Hl7Conversion(
      mappings(() => {
        throw new ConversionError('HL7_REQUIRED_MISSING', 'PID-3 is required', { segment: 'PID', segmentIndex: 2, field: 3 });
      }),
      validator,
      { idSecret: 's' },
    );
    const result = conversion.convert(ADT);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.outcome.issue[0]).toMatchObject({ code: 'required', expression: ['PID-3'] });
      expect(JSON.stringify(result.outcome)).not.toContain('Doe');
    }
  });

  it('fails on unparseable bytes and on message types without maps', () => {
    const conversion = new Hl7Conversion(mappings(() => ({ bundle: patientBundle('1980-01-01'), issues: [] })), validator, { idSecret: 's' });
    const garbage = conversion.convert(Buffer.from([0, 1, 2, 3]));
    expect(garbage.ok).toBe(false);
    const siu = conversion.convert(ADT.replace('ADT^A01^ADT_A01', 'SIU^S12^SIU_S12'));
    expect(siu.ok).toBe(false);
    if (!siu.ok) expect(siu.outcome.issue[0]?.details?.coding?.[0]?.code).toBe('HL7_UNSUPPORTED_MESSAGE');
  });

  it('turns an unexpected mapping bug into a failed outcome instead of throwing', () => {
    const conversion = new Hl7Conversion(
      mappings(() => {
        throw new TypeError('boom');
      }),
      validator,
      { idSecret: 's' },
    );
    const result = conversion.convert(ADT);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.outcome.issue[0]?.code).toBe('exception');
  });
});

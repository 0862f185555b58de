import { describe, expect, it } from 'vitest';
import { DEFAULT_XML_LIMITS } from '@hie/cda';
import type { Bundle } from '@hie/fhir';
import type { ConversionOutcomeRecord, IntakeRecord } from '../pipeline.ports.js';
import { cdaFailure, cdaIssue, outcomeOf } from './cda-failure.mapper.js';
import type { CdaConversionAttempt } from './cda-conversion.js';
import { CdaIntakeService } from './cda-intake.service.js';

const DOC = Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="2.16.840.1.113883.19" extension="DOC-7"/><code code="34133-9"/></ClinicalDocument>');
const document: Bundle = { resourceType: 'Bundle', type: 'document', entry: [{ resource: { resourceType: 'Composition', id: 'c' } }] };
const transaction: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };

function setup(options: { storeFails?: boolean; converts?: boolean; recordFails?: boolean } = {}) {
  const stored: { record: IntakeRecord; hold: boolean }[] = [];
  const recorded: ConversionOutcomeRecord[] = [];
  let conversions = 0;
  const service = new CdaIntakeService(
    {
      submit: async (record, o) => {
        stored.push({ record, hold: o?.hold === true });
        return !options.storeFails;
      },
    },
    {
      convertParsed: (): CdaConversionAttempt => {
        conversions++;
        if (options.converts === false) {
          const failure = cdaFailure('FHIR_INVALID');
          return { ok: false, failure, outcome: outcomeOf([cdaIssue(failure)]) };
        }
        return { ok: true, bundle: transaction, document, issues: [] };
      },
    },
    {
      record: async (outcomes) => {
        if (options.recordFails) throw new Error('db down');
        recorded.push(...outcomes);
        return { converted: 1, failed: 0, skipped: 0 };
      },
    },
    { limits: { ...DEFAULT_XML_LIMITS, maxBytes: 4096 } },
  );
  return { service, stored, recorded, conversions: () => conversions };
}

describe('CdaIntakeService', () => {
  it('stores a document as a received cda message (queued) and answers accepted with its id', async () => {
    const { service, stored, conversions } = setup();
    const result = await service.receive({ bytes: DOC, totalBytes: DOC.length }, 'http');
    expect(result.kind).toBe('accepted');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.hold).toBe(false);
    expect(stored[0]!.record).toMatchObject({ id: result.id, format: 'cda', status: 'received', channel: 'http', controlId: 'DOC-7', messageType: 'CDA^34133-9', sizeBytes: DOC.length });
    expect(stored[0]!.record.raw.equals(DOC)).toBe(true);
    expect(conversions()).toBe(0);
  });

  it('with sync, holds it from the queue, converts it once, records the outcome and answers the document Bundle', async () => {
    const { service, stored, recorded, conversions } = setup();
    const result = await service.receive({ bytes: DOC, totalBytes: DOC.length }, 'http', { sync: true });
    expect(result).toMatchObject({ kind: 'converted', document });
    expect(stored[0]!.hold).toBe(true);
    expect(conversions()).toBe(1);
    expect(recorded).toEqual([{ messageId: result.id, kind: 'converted', bundle: transaction }]);
  });

  it('with sync, a conversion failure is recorded as failed and answered with its status and outcome', async () => {
    const { service, recorded } = setup({ converts: false });
    const result = await service.receive({ bytes: DOC, totalBytes: DOC.length }, 'http', { sync: true });
    expect(result).toMatchObject({ kind: 'refused', status: 422, stored: true });
    expect(recorded[0]).toMatchObject({ kind: 'failed' });
  });

  it('keeps a hostile document as a failed message with its refusal, and never converts it', async () => {
    const { service, stored, conversions } = setup();
    const bomb = Buffer.from('<!DOCTYPE x [<!ENTITY a "a">]><ClinicalDocument xmlns="urn:hl7-org:v3">&a;</ClinicalDocument>');
    const result = await service.receive({ bytes: bomb, totalBytes: bomb.length }, 'http', { sync: true });
    expect(result).toMatchObject({ kind: 'refused', status: 400, stored: true });
    expect(stored[0]!.record).toMatchObject({ status: 'failed', format: 'cda', messageType: 'CDA' });
    expect(stored[0]!.record.outcome?.issue[0]?.details?.coding?.[0]?.code).toBe('XML_DOCTYPE_REFUSED');
    expect(conversions()).toBe(0);
  });

  it('keeps only the head of a body over the limit, with its real size, and answers 413', async () => {
    const { service, stored } = setup();
    const head = Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3">');
    const result = await service.receive({ bytes: head, totalBytes: 100 * 1024 * 1024 }, 'http');
    expect(result).toMatchObject({ kind: 'refused', status: 413 });
    expect(stored[0]!.record).toMatchObject({ status: 'failed', sizeBytes: 100 * 1024 * 1024 });
    expect(stored[0]!.record.raw.equals(head)).toBe(true);
  });

  it('answers 503 when the store is down (the sender must resend)', async () => {
    const { service } = setup({ storeFails: true });
    const result = await service.receive({ bytes: DOC, totalBytes: DOC.length }, 'http', { sync: true });
    expect(result).toMatchObject({ kind: 'refused', status: 503, stored: false });
  });

  it('answers accepted when a sync conversion cannot be recorded (the recovery sweep converts the stored document)', async () => {
    const { service } = setup({ recordFails: true });
    expect((await service.receive({ bytes: DOC, totalBytes: DOC.length }, 'http', { sync: true })).kind).toBe('accepted');
  });
});

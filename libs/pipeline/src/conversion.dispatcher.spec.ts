import { describe, expect, it } from 'vitest';
import type { Bundle } from '@hie/fhir';
import { ConversionDispatcher } from './conversion.dispatcher.js';
import type { ConversionAttempt } from './hl7-conversion.js';

const bundle = (tag: string): Bundle => ({ resourceType: 'Bundle', type: 'transaction', id: tag });
const DOC = '<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2.3"/></ClinicalDocument>';
const MSH = (type: string) => `MSH|^~\\&|A|B|C|D|20240101120000+0000||${type}|CTRL|P|2.5.1`;

function setup() {
  const calls: { to: string; raw: string }[] = [];
  const dispatcher = new ConversionDispatcher(
    { convert: (raw): ConversionAttempt => (calls.push({ to: 'hl7', raw: Buffer.from(raw).toString() }), { ok: true, bundle: bundle('hl7'), issues: [] }) },
    { convert: (raw) => (calls.push({ to: 'cda', raw: Buffer.from(raw).toString() }), { ok: true, bundle: bundle('cda'), document: bundle('doc'), issues: [] }) },
  );
  return { dispatcher, calls };
}

describe('ConversionDispatcher', () => {
  it('converts a stored CDA document with the CDA conversion', () => {
    const { dispatcher, calls } = setup();
    expect(dispatcher.convert(Buffer.from(DOC), { format: 'cda' })).toMatchObject({ ok: true, bundle: { id: 'cda' } });
    expect(calls).toEqual([{ to: 'cda', raw: DOC }]);
  });

  it('converts an HL7 v2 message with the v2 maps (the default format)', () => {
    const { dispatcher, calls } = setup();
    const adt = [MSH('ADT^A01^ADT_A01'), 'PID|1||X^^^H^MR'].join('\r');
    expect(dispatcher.convert(Buffer.from(adt), { format: 'hl7v2' })).toMatchObject({ bundle: { id: 'hl7' } });
    expect(dispatcher.convert(Buffer.from(adt))).toMatchObject({ bundle: { id: 'hl7' } });
    expect(calls.map((c) => c.to)).toEqual(['hl7', 'hl7']);
  });

  it('converts an MDM carrying a CDA as the document it carries; an MDM without one goes to the v2 maps', () => {
    const { dispatcher, calls } = setup();
    const withDoc = [MSH('MDM^T02^MDM_T02'), 'TXA|1|DS', `OBX|1|ED|X^X||^text^xml^Base64^${Buffer.from(DOC).toString('base64')}||||||F`].join('\r');
    expect(dispatcher.convert(Buffer.from(withDoc), { format: 'hl7v2' })).toMatchObject({ bundle: { id: 'cda' } });
    expect(calls.at(-1)).toEqual({ to: 'cda', raw: DOC });
    const noDoc = [MSH('MDM^T02^MDM_T02'), 'TXA|1|DS', 'OBX|1|TX|X^X||just text||||||F'].join('\r');
    expect(dispatcher.convert(Buffer.from(noDoc))).toMatchObject({ bundle: { id: 'hl7' } });
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_XML_LIMITS } from '@hie/cda';
import { decideCdaIntake } from './cda-intake-decision.js';

const ccd = readFileSync(fileURLToPath(new URL('../../../../fixtures/cda/CCD.ccda', import.meta.url)));
const limits = { ...DEFAULT_XML_LIMITS, maxBytes: 1024 * 1024, maxDepth: 64 };

function decide(text: string | Buffer, total?: number) {
  const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return decideCdaIntake(raw, total ?? raw.length, limits);
}

function code(text: string | Buffer, total?: number): string | undefined {
  const d = decide(text, total);
  return d.status === 'failed' ? d.failure.code : undefined;
}

describe('decideCdaIntake', () => {
  it('accepts a C-CDA and summarises its id, document type and custodian, nothing about the patient', () => {
    const d = decide(ccd);
    expect(d.status).toBe('received');
    if (d.status !== 'received') return;
    expect(d.root.name).toBe('ClinicalDocument');
    expect(d.summary.messageType).toBe('CDA^34133-9');
    expect(d.summary.controlId).toMatch(/\S/);
    expect(d.summary.sendingFacility).toBe('Good Health HIE');
    expect(JSON.stringify(d.summary)).not.toMatch(/Isabella|Jones/i); // the sample patient's name
  });

  it('refuses a DOCTYPE (billion laughs, external entities) before anything expands', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><ClinicalDocument xmlns="urn:hl7-org:v3">&lol2;</ClinicalDocument>`;
    expect(code(laughs)).toBe('XML_DOCTYPE_REFUSED');
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3">&x;</ClinicalDocument>`;
    expect(code(xxe)).toBe('XML_DOCTYPE_REFUSED');
  });

  it('refuses deep nesting, oversize, malformed, empty and non-CDA XML with their own codes', () => {
    expect(code(`<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(100)}${'</a>'.repeat(100)}</ClinicalDocument>`)).toBe('XML_TOO_DEEP');
    expect(code(Buffer.from('<ClinicalDocument'), 2 * 1024 * 1024)).toBe('XML_TOO_LARGE');
    expect(code('<ClinicalDocument xmlns="urn:hl7-org:v3"><id></ClinicalDocument>')).toBe('XML_MALFORMED');
    expect(code(' \r\n ')).toBe('CDA_EMPTY');
    expect(code('<html xmlns="urn:hl7-org:v3"/>')).toBe('CDA_NOT_CLINICAL_DOCUMENT');
    expect(code('<ClinicalDocument xmlns="urn:example"/>')).toBe('CDA_NOT_CLINICAL_DOCUMENT');
  });

  it('takes the HL7 v3 namespace bound to a prefix too', () => {
    expect(decide('<cda:ClinicalDocument xmlns:cda="urn:hl7-org:v3"><cda:id root="1.2.3"/></cda:ClinicalDocument>').status).toBe('received');
  });

  it('never echoes document content in a refusal', () => {
    const d = decide('<ClinicalDocument xmlns="urn:hl7-org:v3"><name>Secret&unknown;</name></ClinicalDocument>');
    expect(d.status).toBe('failed');
    expect(JSON.stringify(d)).not.toMatch(/Secret|unknown/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHl7 } from '@hie/hl7v2';
import { findEmbeddedCda, isDocumentMessage, mayBeDocumentMessage } from './embedded-cda.extractor.js';

const cda = readFileSync(fileURLToPath(new URL('../../../../fixtures/cda/sample.ccda', import.meta.url)));

const HEAD = [
  'MSH|^~\\&|DOCAPP|DOCFAC|HIE|HIE|20240101120000+0000||MDM^T02^MDM_T02|MDM-1|P|2.5.1',
  'EVN|T02|20240101120000+0000',
  'PID|1||MDMPAT1^^^HOSP^MR||Doe^Jane||19800101|F',
  'TXA|1|DS|TX|20240101115500+0000||20240101120000+0000||||||DOC-1||||||AU',
];

function mdm(...obx: string[]): string {
  return [...HEAD, ...obx].join('\r');
}

/** HL7 escaping of a text value (what a sender must do to put XML in a TX field). */
function escapeHl7(text: string): string {
  return text.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\').replace(/~/g, '\\R\\');
}

describe('MDM carrying a CDA document', () => {
  it('finds a base64 CDA in an ED OBX (OBX-5.4 Base64, OBX-5.5 data) and gives its exact bytes', () => {
    const message = parseHl7(mdm('OBX|1|TX|NOTE^Note||Preliminary text||||||F', `OBX|2|ED|34133-9^Summary^LN||^text^xml^Base64^${cda.toString('base64')}||||||F`));
    const found = findEmbeddedCda(message);
    expect(found?.equals(cda)).toBe(true);
  });

  it('reads Hex and ASCII (A) encoded ED data too', () => {
    const small = '<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2.3"/></ClinicalDocument>';
    const hex = parseHl7(mdm(`OBX|1|ED|X^X||^text^xml^Hex^${Buffer.from(small).toString('hex')}||||||F`));
    expect(findEmbeddedCda(hex)?.toString('utf8')).toBe(small);
    const ascii = parseHl7(mdm(`OBX|1|ED|X^X||^text^xml^A^${escapeHl7(small)}||||||F`));
    expect(findEmbeddedCda(ascii)?.toString('utf8')).toBe(small);
  });

  it('rebuilds a CDA sent as TX text over several OBX segments (one line each), escapes undone', () => {
    const lines = cda.toString('utf8').split(/\r?\n/);
    const obx = lines.map((line, i) => `OBX|${i + 1}|TX|DOC^Document||${escapeHl7(line)}||||||F`);
    const found = findEmbeddedCda(parseHl7(mdm(...obx)));
    expect(found?.toString('utf8')).toBe(cda.toString('utf8').replace(/\r\n/g, '\n').trimEnd());
  });

  it('finds nothing in an MDM whose OBX hold a PDF or plain text', () => {
    const pdf = Buffer.from('%PDF-1.4 not a clinical document').toString('base64');
    expect(findEmbeddedCda(parseHl7(mdm(`OBX|1|ED|X^X||^application^pdf^Base64^${pdf}||||||F`)))).toBeUndefined();
    expect(findEmbeddedCda(parseHl7(mdm('OBX|1|TX|X^X||The ClinicalDocument word in prose||||||F')))).toBeUndefined();
    expect(findEmbeddedCda(parseHl7(mdm()))).toBeUndefined();
  });

  it('recognises MDM^T01..T11 as document messages, by header and by a cheap look at the bytes', () => {
    expect(isDocumentMessage({ messageCode: 'MDM', triggerEvent: 'T02' })).toBe(true);
    expect(isDocumentMessage({ messageCode: 'MDM', triggerEvent: 'T11' })).toBe(true);
    expect(isDocumentMessage({ messageCode: 'MDM', triggerEvent: 'T12' })).toBe(false);
    expect(isDocumentMessage({ messageCode: 'ADT', triggerEvent: 'T02' })).toBe(false);
    expect(mayBeDocumentMessage(Buffer.from(mdm()))).toBe(true);
    expect(mayBeDocumentMessage(Buffer.from(`\ufeff\n${mdm()}`))).toBe(true);
    expect(mayBeDocumentMessage(Buffer.from(mdm().replace('MDM^T02^MDM_T02', 'ADT^A01^ADT_A01')))).toBe(false);
    expect(mayBeDocumentMessage(Buffer.from('MSH|^~\\&|A|B'))).toBe(false);
    expect(mayBeDocumentMessage(Buffer.from('<ClinicalDocument/>'))).toBe(false);
  });
});

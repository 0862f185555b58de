import { describe, expect, it } from 'vitest';
import { buildAck } from './ack.builder.js';
import { getValue, findSegments } from './hl7-access.js';
import { readHeaderLeniently } from './hl7-header.lenient-reader.js';
import { parseHl7 } from './hl7.parser.js';
import { ADT_A01, ADT_A04_V23 } from './testing/corpus.fixture.js';

const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

describe('buildAck', () => {
  it('answers AA with sender and receiver swapped and the original control id', () => {
    const request = parseHl7(ADT_A01);
    const text = buildAck(request, { code: 'AA', controlId: request.header.controlId, now });
    const ack = parseHl7(text);
    expect(text.endsWith('\r')).toBe(true);
    expect(ack.segments.map((s) => s.name)).toEqual(['MSH', 'MSA']);
    expect(ack.header).toMatchObject({
      sendingApplication: 'EHRApp',
      sendingFacility: 'GHHRFacility',
      receivingApplication: 'ADTApp',
      receivingFacility: 'GHHSFacility',
      dateTime: '20240102030405+0000',
      messageCode: 'ACK',
      triggerEvent: 'A01',
      messageStructure: 'ACK',
      processingId: 'P',
      version: '2.8',
    });
    expect(ack.header.controlId).not.toBe('MSG00001');
    expect(ack.header.controlId.length).toBeLessThanOrEqual(20);
    expect(text.split('\r')[1]).toBe('MSA|AA|MSG00001');
  });

  it('makes a new control id each time', () => {
    const ids = new Set(
      Array.from({ length: 100 }, () => parseHl7(buildAck({}, { code: 'AA', controlId: '1', now })).header.controlId),
    );
    expect(ids.size).toBe(100);
  });

  it('writes one ERR per error with location, table 0357 code, severity and text', () => {
    const text = buildAck(parseHl7(ADT_A01), {
      code: 'AE',
      controlId: 'MSG00001',
      text: 'Rejected',
      now,
      errors: [
        { segment: 'PID', segmentIndex: 3, field: 3, code: '101', severity: 'E', text: 'PID-3 is required' },
        { segment: 'PV1', segmentIndex: 4, field: 2, component: 1, code: '103', severity: 'W', text: 'Unknown class' },
        { code: '207', severity: 'F', text: 'Internal error' },
      ],
    });
    const lines = text.split('\r');
    expect(lines[1]).toBe('MSA|AE|MSG00001|Rejected');
    expect(lines[2]).toBe('ERR||PID^3^3|101^Required field missing^HL70357|E||||PID-3 is required');
    expect(lines[3]).toBe('ERR||PV1^4^2^1^1|103^Table value not found^HL70357|W||||Unknown class');
    expect(lines[4]).toBe('ERR|||207^Application internal error^HL70357|F||||Internal error');
    const errs = findSegments(parseHl7(text), 'ERR');
    expect(getValue(errs[0], 2, 1)).toBe('PID');
    expect(getValue(errs[0], 3)).toBe('101');
  });

  it('also writes ERR-1 for versions before 2.5, whose ERR has only that field', () => {
    const request = parseHl7(ADT_A04_V23);
    const text = buildAck(request, {
      code: 'AE',
      controlId: request.header.controlId,
      now,
      errors: [{ segment: 'PID', segmentIndex: 3, field: 3, code: '101', severity: 'E', text: 'x' }],
    });
    expect(text.split('\r')[2]).toBe('ERR|PID^3^3^101&Required field missing&HL70357|PID^3^3|101^Required field missing^HL70357|E||||x');
    expect(parseHl7(text).header.version).toBe('2.3');
    expect(parseHl7(text).header.messageStructure).toBe('ACK');
  });

  it('keeps the request encoding characters and escapes text', () => {
    const request = readHeaderLeniently('MSH!@#$%!APP!FAC!RCV!RF!1!!ADT@A01!C1!T!2.5');
    const text = buildAck(request, { code: 'AR', controlId: 'C1', now, errors: [{ code: '207', severity: 'E', text: 'a!b@c' }] });
    expect(text.startsWith('MSH!@#$%!RCV!RF!APP!FAC!20240102030405+0000!!ACK@A01@ACK!')).toBe(true);
    expect(text).toContain('!T!2.5\r');
    expect(text).toContain('$F$b$S$c');
    expect(getValue(findSegments(parseHl7(text), 'ERR')[0], 8)).toBe('a!b@c');
  });

  it('answers even when nothing of the request could be read', () => {
    const text = buildAck(readHeaderLeniently('garbage'), { code: 'AR', controlId: '', now });
    const ack = parseHl7(text);
    expect(ack.header).toMatchObject({ messageCode: 'ACK', version: '2.5.1', processingId: 'P' });
    expect(text.split('\r')[1]).toBe('MSA|AR');
  });

  it('echoes the request character set', () => {
    const request = parseHl7('MSH|^~\\&|A|B|C|D|1||ADT^A01|9|P|2.5|||||x|8859/1\rPID|1');
    expect(parseHl7(buildAck(request, { code: 'AA', controlId: '9', now })).header.characterSet).toBe('8859/1');
  });
});

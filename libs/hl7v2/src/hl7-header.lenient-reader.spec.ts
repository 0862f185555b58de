import { describe, expect, it } from 'vitest';
import { readHeaderLeniently } from './hl7-header.lenient-reader.js';
import { ADT_A01 } from './testing/corpus.fixture.js';

const DEFAULT = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

describe('readHeaderLeniently', () => {
  it('reads the header of a good message', () => {
    const { header, delimiters } = readHeaderLeniently(Buffer.from(ADT_A01));
    expect(delimiters).toEqual(DEFAULT);
    expect(header).toEqual({
      sendingApplication: 'ADTApp',
      sendingFacility: 'GHHSFacility',
      receivingApplication: 'EHRApp',
      receivingFacility: 'GHHRFacility',
      dateTime: '198908181126+0215',
      messageCode: 'ADT',
      triggerEvent: 'A01',
      messageStructure: 'ADT_A01',
      controlId: 'MSG00001',
      processingId: 'P',
      version: '2.8',
    });
  });

  it('reads MSH after garbage, with a broken body and an unknown character set', () => {
    const input = Buffer.concat([
      Buffer.from([0, 1, 2, 0xff]),
      Buffer.from('MSH|^~\\&|APP|FAC|||2024||ORU^R01|C\\T\\1|P|2.5|||||x|KLINGON\rPID^broken\x00'),
    ]);
    const { header } = readHeaderLeniently(input);
    expect(header).toMatchObject({ sendingApplication: 'APP', controlId: 'C&1', triggerEvent: 'R01', characterSet: 'KLINGON' });
  });

  it('prefers an MSH at the start of a line to the text "MSH" inside a field', () => {
    const input = 'PID|1||x|MSH|y\rMSH|^~\\&|APP|FAC|||2024||ADT^A01|CTRL|P|2.5';
    expect(readHeaderLeniently(input).header.controlId).toBe('CTRL');
  });

  it('reads a truncated header as far as it goes', () => {
    expect(readHeaderLeniently('MSH|^~\\&|APP|FAC|RCV').header).toEqual({
      sendingApplication: 'APP',
      sendingFacility: 'FAC',
      receivingApplication: 'RCV',
    });
  });

  it('keeps custom delimiters and falls back to the defaults when MSH-2 is unusable', () => {
    expect(readHeaderLeniently('MSH!@#$%!A@x!B').delimiters).toMatchObject({ field: '!', component: '@' });
    expect(readHeaderLeniently('MSH!@#$%!A@x!B').header.sendingApplication).toBe('A');
    const bad = readHeaderLeniently('MSH|^^^^|A|B|||||ADT^A01|99');
    expect(bad.delimiters).toEqual(DEFAULT);
    expect(bad.header.controlId).toBe('99');
  });

  it('decodes header text in the declared UTF-8', () => {
    const { header } = readHeaderLeniently(Buffer.from('MSH|^~\\&|Zoë|F|||1||ADT^A01|1|P|2.8|||||x|UNICODE UTF-8\r', 'utf8'));
    expect(header.sendingApplication).toBe('Zoë');
  });

  it.each([[''], ['garbage'], [Buffer.alloc(0)], [Buffer.from([0x0b, 0x1c, 0x0d])], ['MSH'], ['MSH|'], ['MSH|^~\\&']])(
    'never throws: %j',
    (input) => {
      const result = readHeaderLeniently(input);
      expect(result.delimiters.field.length).toBe(1);
      expect(typeof result.header).toBe('object');
    },
  );
});

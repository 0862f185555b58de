import { describe, expect, it } from 'vitest';
import { CdaContext } from '../cda-context.js';
import { addresses, humanNames, identifiers, telecoms } from '../cda-datatypes.js';
import { specTables, xml } from '../testing/cda-spec.helpers.js';

const ctx = (): CdaContext => new CdaContext(specTables(), { idSecret: 's' });

describe('identifiers, names, addresses, telecoms', () => {
  it('reads II: root+extension → system/value (known roots by URI); a bare root names itself', () => {
    const c = ctx();
    const ids = [
      xml('<id root="2.16.840.1.113883.4.1" extension="123-45-6789"/>'),
      xml('<id root="1.3.6.1.4.1.16517.1" extension="98765"/>'),
      xml('<id root="DB3A5E9F-4C5A-4E38-8C7A-00000000AAAA"/>'),
      xml('<id root="1.2.3.4"/>'),
      xml('<id nullFlavor="NI"/>'),
      xml('<id root="1.3.6.1.4.1.16517.1" extension="98765"/>'),
    ];
    expect(identifiers(ids, c)).toEqual([
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
      { system: 'urn:oid:1.3.6.1.4.1.16517.1', value: '98765' },
      { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:db3a5e9f-4c5a-4e38-8c7a-00000000aaaa' },
      { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3.4' },
    ]);
  });

  it('reads names with use via the table; a name of text only becomes text; nullFlavor names are skipped', () => {
    const c = ctx();
    const names = humanNames(
      [
        xml('<name use="L"><prefix>Dr</prefix><given>Ann</given><given>B</given><family>Lee</family><suffix>MD</suffix></name>'),
        xml('<name>Ann Lee</name>'),
        xml('<name nullFlavor="UNK"/>'),
      ],
      c,
    );
    expect(names).toEqual([{ use: 'official', family: 'Lee', given: ['Ann', 'B'], prefix: ['Dr'], suffix: ['MD'] }, { text: 'Ann Lee' }]);
  });

  it('reads addresses with use via the table', () => {
    const c = ctx();
    expect(
      addresses([xml('<addr use="HP"><streetAddressLine>1 Main St</streetAddressLine><city>Town</city><state>OR</state><postalCode>97000</postalCode><country>US</country><county>Wash</county></addr>')], c),
    ).toEqual([{ use: 'home', line: ['1 Main St'], city: 'Town', district: 'Wash', state: 'OR', postalCode: '97000', country: 'US' }]);
    expect(addresses([xml('<addr nullFlavor="UNK"/>')], c)).toEqual([]);
  });

  it('reads telecoms: the scheme picks the system and is dropped from the value', () => {
    const c = ctx();
    expect(
      telecoms(
        [
          xml('<telecom use="MC" value="tel:+1(555)555-1234"/>'),
          xml('<telecom value="mailto://a@b.org"/>'),
          xml('<telecom value="https://example.org/x"/>'),
          xml('<telecom value="5551234"/>'),
          xml('<telecom nullFlavor="UNK"/>'),
        ],
        c,
      ),
    ).toEqual([
      { system: 'phone', value: '+1(555)555-1234', use: 'mobile' },
      { system: 'email', value: 'a@b.org' },
      { system: 'url', value: 'https://example.org/x' },
      { system: 'other', value: '5551234' },
    ]);
  });
});

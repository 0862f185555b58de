import { describe, expect, it } from 'vitest';
import { attr, child, childrenNamed, descend, textOf } from './xml-element.js';
import { parseXml } from './safe-xml.parser.js';

const limits = { maxBytes: 1024 * 1024, maxDepth: 50, maxElements: 10_000 };

describe('parseXml', () => {
  it('reads a CDA-shaped document: local names for the v3 namespace, prefixes kept for others, mixed content in order', () => {
    const root = parseXml(
      `<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <code code="34133-9" codeSystem="2.16.840.1.113883.6.1"/><sdtc:raceCode code="2106-3"/>
        <value xsi:type="PQ" value="1.5" unit="mg"/><text>Hello <content ID="a">big</content> world &amp; &#233;<![CDATA[ <raw> ]]></text>
      </ClinicalDocument>`,
      limits,
    );
    expect(root.name).toBe('ClinicalDocument');
    expect(attr(child(root, 'code'), 'code')).toBe('34133-9');
    expect(child(root, 'sdtc:raceCode')).toBeDefined();
    expect(attr(child(root, 'value'), 'xsi:type')).toBe('PQ');
    const text = child(root, 'text')!;
    expect(text.content.map((n) => (typeof n === 'string' ? n : `<${n.name}>`))).toEqual(['Hello ', '<content>', ' world & é', ' <raw> ']);
    expect(textOf(text)).toBe('Hello big world & é <raw>');
    expect(descend(root, 'text', 'content')?.attributes['ID']).toBe('a');
    expect(childrenNamed(root, 'nothing')).toEqual([]);
  });

  it('strips a prefix bound to the v3 namespace', () => {
    const root = parseXml('<cda:ClinicalDocument xmlns:cda="urn:hl7-org:v3"><cda:title>T</cda:title></cda:ClinicalDocument>', limits);
    expect(root.name).toBe('ClinicalDocument');
    expect(textOf(child(root, 'title'))).toBe('T');
  });

  it('refuses a billion-laughs document at its DOCTYPE, in bounded time', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`;
    expect(() => parseXml(lol, limits)).toThrow(expect.objectContaining({ code: 'XML_DOCTYPE_REFUSED' }));
  });

  it('refuses an external entity reading a local file, and never reads it', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    let message = '';
    try {
      parseXml(xxe, limits);
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ code: 'XML_DOCTYPE_REFUSED' });
    }
    expect(message).not.toContain('root:');
    expect(message).not.toContain('passwd');
  });

  it('refuses an undefined entity without a DOCTYPE, without quoting it', () => {
    expect(() => parseXml('<a>&secretname;</a>', limits)).toThrow(expect.objectContaining({ code: 'XML_MALFORMED' }));
    try {
      parseXml('<a>&secretname;</a>', limits);
    } catch (error) {
      expect((error as Error).message).not.toContain('secretname');
    }
  });

  it('refuses deep nesting, too many elements and too many bytes', () => {
    const deep = `${'<a>'.repeat(51)}${'</a>'.repeat(51)}`;
    expect(() => parseXml(deep, limits)).toThrow(expect.objectContaining({ code: 'XML_TOO_DEEP' }));
    const many = `<r>${'<a/>'.repeat(10_001)}</r>`;
    expect(() => parseXml(many, limits)).toThrow(expect.objectContaining({ code: 'XML_TOO_MANY_ELEMENTS' }));
    expect(() => parseXml(Buffer.alloc(limits.maxBytes + 1, 0x20), limits)).toThrow(expect.objectContaining({ code: 'XML_TOO_LARGE' }));
  });

  it('refuses malformed and truncated documents with XML_MALFORMED', () => {
    for (const bad of ['', 'not xml', '<a><b></a>', '<a>', '<a/><b/>', '<a x="1" x="2"/>']) {
      expect(() => parseXml(bad, limits), bad).toThrow(expect.objectContaining({ code: 'XML_MALFORMED' }));
    }
  });
});

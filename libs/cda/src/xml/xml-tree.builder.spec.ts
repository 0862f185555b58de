import { describe, expect, it } from 'vitest';
import { child, childrenNamed, textOf, type XmlElement } from './xml-element.js';
import { parseXml } from './safe-xml.parser.js';
import { XmlTreeBuilder } from './xml-tree.builder.js';

type Event = ['open', string, Record<string, string>] | ['close'] | ['text', string];

/** The events of `<doc><templateId root="1.2"/><code code="A" system="S"><x/></code>×2 <text>Hi <b>you</b> there</text></doc>`. */
const events = (): Event[] => {
  const entry: Event[] = [
    ['open', 'templateId', { root: '1.2' }],
    ['close'],
    ['open', 'code', { code: 'A', system: 'S' }],
    ['open', 'x', {}],
    ['close'],
    ['close'],
  ];
  return [
    ['open', 'doc', {}],
    ...entry,
    ...entry,
    ['open', 'templateId', { root: '1.3' }],
    ['close'],
    ['open', 'text', {}],
    ['text', 'Hi '],
    ['open', 'b', {}],
    ['text', 'you'],
    ['close'],
    ['text', ' there'],
    ['close'],
    ['close'],
  ];
};

function build(compact: boolean): XmlElement {
  const builder = new XmlTreeBuilder(compact);
  for (const event of events()) {
    // The parser hands over a fresh attribute object with no prototype for each element.
    if (event[0] === 'open') builder.open(event[1], Object.assign(Object.create(null) as Record<string, string>, event[2]));
    else if (event[0] === 'close') builder.close();
    else builder.text(event[1]);
  }
  return builder.result()!;
}

describe('XmlTreeBuilder', () => {
  it('builds the same tree compact or not, children and mixed content in document order', () => {
    const compact = build(true);
    const plain = build(false);
    expect(compact).toEqual(plain);
    expect(compact.children.map((c) => c.name)).toEqual(['templateId', 'code', 'templateId', 'code', 'templateId', 'text']);
    const text = child(compact, 'text')!;
    expect(text.content.map((n) => (typeof n === 'string' ? n : `<${n.name}>`))).toEqual(['Hi ', '<b>', ' there']);
    expect(textOf(text)).toBe('Hi you there');
    expect(childrenNamed(compact, 'templateId').map((t) => t.attributes['root'])).toEqual(['1.2', '1.2', '1.3']);
  });

  it('compact: equal leaves are one element, equal attribute sets one object; distinct ones stay apart', () => {
    const root = build(true);
    const [t1, t2, t3] = childrenNamed(root, 'templateId');
    const [c1, c2] = childrenNamed(root, 'code');
    expect(t1).toBe(t2);
    expect(t3).not.toBe(t1);
    expect(c1).not.toBe(c2); // not leaves: each keeps its own element
    expect(c1!.attributes).toBe(c2!.attributes);
    expect(child(c1, 'x')).toBe(child(c2, 'x'));
  });

  it('not compact: every element and attribute set is its own', () => {
    const root = build(false);
    const [t1, t2] = childrenNamed(root, 'templateId');
    const [c1, c2] = childrenNamed(root, 'code');
    expect(t1).not.toBe(t2);
    expect(c1!.attributes).not.toBe(c2!.attributes);
  });

  it('attribute sets inherit no names, with or without attributes', () => {
    const root = build(true);
    expect(root.attributes['toString']).toBeUndefined();
    expect(child(root, 'templateId')!.attributes['constructor']).toBeUndefined();
  });
});

describe('parseXml of a big document', () => {
  it('shares equal leaves and attribute sets past 1 MiB, and reads every value', () => {
    const entry = (n: number) => `<entry><templateId root="2.16.840.1.113883.10.20.22.4.2"/><id root="1.2.3" extension="e-${n}"/><code code="8867-4" codeSystem="2.16.840.1.113883.6.1"/></entry>`;
    const body = Array.from({ length: 9000 }, (_, n) => entry(n)).join('\n');
    const xml = `<ClinicalDocument xmlns="urn:hl7-org:v3">${body}</ClinicalDocument>`;
    expect(xml.length).toBeGreaterThan(1024 * 1024);
    const entries = childrenNamed(parseXml(xml), 'entry');
    expect(entries).toHaveLength(9000);
    expect(child(entries[0], 'templateId')).toBe(child(entries[8999], 'templateId'));
    expect(child(entries[0], 'code')).toBe(child(entries[1], 'code'));
    expect(child(entries[0], 'id')).not.toBe(child(entries[1], 'id'));
    expect(entries.map((e) => child(e, 'id')!.attributes['extension'])).toEqual(Array.from({ length: 9000 }, (_, n) => `e-${n}`));
    expect(child(entries[4500], 'code')!.attributes['codeSystem']).toBe('2.16.840.1.113883.6.1');
  });
});

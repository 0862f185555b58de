import { describe, expect, it } from 'vitest';
import type { Hl7Repetition } from '@hie/hl7v2';
import { builtinTransforms } from './index.js';
import type { TransformContext } from './transform.model.js';

/** A context with a small coding-system table and recorded warnings. */
function ctx(timezone?: string): TransformContext & { warnings: [string, number | undefined][] } {
  const warnings: [string, number | undefined][] = [];
  const table: Record<string, string> = { LN: 'http://loinc.org', UCUM: 'http://unitsofmeasure.org' };
  return {
    timezone,
    warnings,
    lookup: (name, code) => (name === 'coding-system' && table[code] ? { code: table[code]! } : undefined),
    datatype: (_name, value) => ({ coding: [{ code: value[0]?.[0] }] }),
    warn: (r, i) => warnings.push([r, i]),
  };
}

/** `a^b&c~d` style value builder: components split on ^, sub-components on &. */
const v = (s: string): Hl7Repetition => s.split('^').map((c) => c.split('&'));
const arg = (...reps: string[]): Hl7Repetition[] => reps.map(v);
const { value, multi } = builtinTransforms;

describe('one-input transforms', () => {
  it('decimal and integers', () => {
    const t = ctx();
    expect(value['decimal']!('4.06', t)).toBe(4.06);
    expect(value['decimal']!('-.5', t)).toBe(-0.5);
    expect(value['decimal']!('1e3', t)).toBeUndefined();
    expect(value['positiveInt']!('18', t)).toBe(18);
    expect(value['positiveInt']!('0', t)).toBeUndefined();
    expect(value['unsignedInt']!('0', t)).toBe(0);
    expect(t.warnings).toHaveLength(2);
  });

  it('dates warn when they drop a value', () => {
    const t = ctx();
    expect(value['dateTime']!('20120701', t)).toBe('2012-07-01');
    expect(value['dateTime']!('2012-07-01', t)).toBeUndefined();
    expect(t.warnings.map((w) => w[0])).toEqual(['not a v2 date/time']);
  });

  it('codingSystem: table, then HL7nnnn, then OID/URI, else warns', () => {
    const t = ctx();
    expect(value['codingSystem']!('LN', t)).toBe('http://loinc.org');
    expect(value['codingSystem']!('HL70005', t)).toBe('http://terminology.hl7.org/CodeSystem/v2-0005');
    expect(value['codingSystem']!('2.16.840.1.113883.6.1', t)).toBe('urn:oid:2.16.840.1.113883.6.1');
    expect(value['codingSystem']!('L', t)).toBeUndefined();
    expect(t.warnings).toHaveLength(1);
  });

  it('boolean Y/N', () => {
    const t = ctx();
    expect(value['boolean']!('y', t)).toBe(true);
    expect(value['boolean']!('N', t)).toBe(false);
    expect(value['boolean']!('NO', t)).toBeUndefined();
  });
});

describe('several-input transforms', () => {
  it('hdSystem types universal ids and warns on untyped ones', () => {
    const t = ctx();
    expect(multi['hdSystem']!([arg('2.16.840.1.113883.19'), arg('ISO')], t)).toBe('urn:oid:2.16.840.1.113883.19');
    expect(multi['hdSystem']!([arg('426d2726-51fc-89fe-a946-8596e80a80eb'), arg('GUID')], t)).toBe('urn:uuid:426d2726-51fc-89fe-a946-8596e80a80eb');
    expect(multi['hdSystem']!([arg('2.16.1'), arg('HCD')], t)).toBeUndefined();
    expect(multi['hdSystem']!([arg(''), arg('')], t)).toBeUndefined();
    expect(t.warnings).toEqual([['universal id is not an OID, UUID or URI of that type', 0]]);
  });

  it('observationValue by value type', () => {
    const t = ctx();
    expect(multi['observationValue']!([arg('NM'), arg('4.06'), arg('mL^milliliter^UCUM')], t)).toEqual({
      valueQuantity: { value: 4.06, unit: 'milliliter', code: 'mL', system: 'http://unitsofmeasure.org' },
    });
    // A unit code without a known system keeps only the unit text (qty-3).
    expect(multi['observationValue']!([arg('NM'), arg('60', '120'), arg('beats/min^^ISO')], t)).toEqual({
      valueQuantity: { value: 60, unit: 'beats/min' },
    });
    expect(multi['observationValue']!([arg('SN'), arg('<^5'), []], t)).toEqual({ valueQuantity: { value: 5, comparator: '<' } });
    expect(multi['observationValue']!([arg('SN'), arg('^1^:^128'), []], t)).toEqual({
      valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } },
    });
    expect(multi['observationValue']!([arg('SN'), arg('^10^-^20'), []], t)).toEqual({ valueRange: { low: { value: 10 }, high: { value: 20 } } });
    expect(multi['observationValue']!([arg('TX'), arg('line 1', 'line 2'), []], t)).toEqual({ valueString: 'line 1\nline 2' });
    expect(multi['observationValue']!([arg('DTM'), arg('20150818060605-0500'), []], t)).toEqual({ valueDateTime: '2015-08-18T06:06:05-05:00' });
    expect(multi['observationValue']!([arg('CWE'), arg('V05^VFC^HL70064'), []], t)).toEqual({ valueCodeableConcept: { coding: [{ code: 'V05' }] } });
    expect(multi['observationValue']!([arg('ED'), arg('App^NS^Octet-stream^Base64'), []], t)).toBeUndefined();
    expect(multi['observationValue']!([arg('NM'), arg('abc'), []], t)).toBeUndefined();
    expect(t.warnings.map((w) => w[1])).toEqual([1, 2, 1, 1]);
  });

  it('contactValue prefers an e-mail for Internet, then XTN-1, then the parts, and reports unused parts', () => {
    const t = ctx();
    // args: [3, 4, 12, 1, 5, 6, 7, 8]
    expect(multi['contactValue']!([arg('Internet'), arg('a@b.org'), [], [], [], [], [], []], t)).toBe('a@b.org');
    expect(multi['contactValue']!([arg('PH'), [], [], arg('(555)555-0123'), [], arg('555'), arg('5550123'), []], t)).toBe('(555)555-0123');
    expect(t.warnings.map((w) => w[1])).toEqual([5, 6]);
    expect(multi['contactValue']!([arg('PH'), [], [], [], arg('1'), arg('313'), arg('3456789'), arg('12')], t)).toBe('+1 (313) 3456789 ext. 12');
    expect(multi['contactValue']!([arg('PH'), [], [], [], [], [], [], []], t)).toBeUndefined();
  });

  it('encounterStatus, deceased, joinSpace, joinLines, applicationEndpoint', () => {
    const t = ctx();
    expect(multi['encounterStatus']!([arg('2015'), arg('2016')], t)).toBe('finished');
    expect(multi['encounterStatus']!([arg('2015'), []], t)).toBe('in-progress');
    expect(multi['encounterStatus']!([[], []], t)).toBe('unknown');
    expect(multi['deceased']!([arg('20210101'), arg('Y')], t)).toEqual({ deceasedDateTime: '2021-01-01' });
    expect(multi['deceased']!([[], arg('N')], t)).toEqual({ deceasedBoolean: false });
    expect(multi['joinSpace']!([arg('A'), arg(''), arg('B')], t)).toBe('A B');
    expect(multi['joinLines']!([arg('a', 'b')], t)).toBe('a\nb');
    expect(multi['applicationEndpoint']!([arg('App'), arg('1.2.3'), arg('ISO'), []], t)).toBe('urn:oid:1.2.3');
    expect(multi['applicationEndpoint']!([arg('My App'), [], [], []], t)).toBe('urn:hie:application:My%20App');
    expect(multi['applicationEndpoint']!([[], [], [], arg('Fac')], t)).toBe('urn:hie:application:Fac');
  });
});

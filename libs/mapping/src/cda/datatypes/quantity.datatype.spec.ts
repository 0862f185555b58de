import { describe, expect, it } from 'vitest';
import { CdaContext } from '../cda-context.js';
import { decimalOf, observationValue, quantityOf } from '../cda-datatypes.js';
import { specTables, xml } from '../testing/cda-spec.helpers.js';

const ctx = (): CdaContext => new CdaContext(specTables(), { idSecret: 's', document: xml('<section><text><content ID="t1">see note</content></text></section>') });
const value = (attrs: string, inner = '') => xml(`<value ${attrs}>${inner}</value>`);

describe('quantities and observation values', () => {
  it('reads decimals leniently where CDA senders differ, strictly otherwise', () => {
    expect(decimalOf('.5')).toBe(0.5);
    expect(decimalOf('5.')).toBe(5);
    expect(decimalOf('007')).toBe(7);
    expect(decimalOf('-1.25e2')).toBe(-125);
    expect(decimalOf('1,5')).toBeUndefined();
    expect(decimalOf('')).toBeUndefined();
  });

  it('reads PQ with a UCUM unit into a Quantity', () => {
    expect(quantityOf(value('xsi:type="PQ" value="120" unit="mm[Hg]"'))).toEqual({ value: 120, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
    expect(quantityOf(value('xsi:type="PQ" value="2"'))).toEqual({ value: 2 });
    expect(quantityOf(value('xsi:type="PQ" nullFlavor="UNK" unit="kg"'))).toBeUndefined();
  });

  it('maps each xsi:type to its value[x]', () => {
    const c = ctx();
    expect(observationValue(value('xsi:type="PQ" value="70" unit="kg"'), c)).toEqual({ valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } });
    expect(observationValue(value('xsi:type="CD" code="8517006" codeSystem="2.16.840.1.113883.6.96"'), c)).toEqual({
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '8517006' }] },
    });
    expect(observationValue(value('xsi:type="ST"', ' positive '), c)).toEqual({ valueString: 'positive' });
    expect(observationValue(value('xsi:type="ED"', '<reference value="#t1"/>'), c)).toEqual({ valueString: 'see note' });
    expect(observationValue(value('xsi:type="BL" value="true"'), c)).toEqual({ valueBoolean: true });
    expect(observationValue(value('xsi:type="INT" value="3"'), c)).toEqual({ valueInteger: 3 });
    expect(observationValue(value('xsi:type="INT" value="3.5"'), c)).toBeUndefined();
    expect(observationValue(value('xsi:type="IVL_PQ"', '<low value="1" unit="mg"/><high value="2" unit="mg"/>'), c)).toEqual({
      valueRange: { low: { value: 1, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' }, high: { value: 2, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
    });
    expect(observationValue(value('xsi:type="RTO_PQ_PQ"', '<numerator value="1"/><denominator value="8"/>'), c)).toEqual({
      valueRatio: { numerator: { value: 1 }, denominator: { value: 8 } },
    });
    expect(observationValue(value('xsi:type="TS" value="20200102"'), c)).toEqual({ valueDateTime: '2020-01-02' });
    expect(observationValue(value('xsi:type="IVL_TS"', '<low value="2020"/>'), c)).toEqual({ valuePeriod: { start: '2020' } });
    expect(observationValue(value('xsi:type="CD" nullFlavor="NI"'), c)).toBeUndefined();
  });

  it('guesses from the content when xsi:type is missing', () => {
    const c = ctx();
    expect(observationValue(value('code="A" codeSystem="2.16.840.1.113883.6.96"'), c)).toHaveProperty('valueCodeableConcept');
    expect(observationValue(value('value="5" unit="mg"'), c)).toHaveProperty('valueQuantity');
    expect(observationValue(value('', 'text'), c)).toEqual({ valueString: 'text' });
  });
});

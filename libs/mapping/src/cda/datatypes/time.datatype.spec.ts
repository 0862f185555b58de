import { describe, expect, it } from 'vitest';
import { dateTimeOf, effectiveOf, instantOf, periodOf } from '../cda-datatypes.js';
import { xml } from '../testing/cda-spec.helpers.js';

const ts = (value: string) => xml(`<effectiveTime value="${value}"/>`);

describe('time datatypes', () => {
  it('keeps the precision that was sent and the zone', () => {
    expect(dateTimeOf(ts('2014'))).toBe('2014');
    expect(dateTimeOf(ts('201410'))).toBe('2014-10');
    expect(dateTimeOf(ts('20141015'))).toBe('2014-10-15');
    expect(dateTimeOf(ts('201410151030-0500'))).toBe('2014-10-15T10:30:00-05:00');
    expect(dateTimeOf(ts('20141015103026.123+0100'))).toBe('2014-10-15T10:30:26.123+01:00');
    expect(dateTimeOf(ts('20141015103026+0000'))).toBe('2014-10-15T10:30:26Z');
  });

  it('reduces a time without a zone to its date (FHIR needs a zone with a time)', () => {
    expect(dateTimeOf(ts('20141015103026'))).toBe('2014-10-15');
  });

  it('returns nothing for a nullFlavor, a missing value or a malformed one', () => {
    expect(dateTimeOf(xml('<effectiveTime nullFlavor="UNK"/>'))).toBeUndefined();
    expect(dateTimeOf(undefined)).toBeUndefined();
    expect(dateTimeOf(ts('20141345'))).toBeUndefined();
  });

  it('makes an instant only when day, time and zone are known', () => {
    expect(instantOf(ts('20141015103026-0500'))).toBe('2014-10-15T10:30:26-05:00');
    expect(instantOf(ts('20141015'))).toBeUndefined();
  });

  it('reads IVL_TS into a Period and effective[x]', () => {
    const ivl = xml('<effectiveTime><low value="20120101"/><high value="20120301"/></effectiveTime>');
    expect(periodOf(ivl)).toEqual({ start: '2012-01-01', end: '2012-03-01' });
    expect(periodOf(xml('<effectiveTime><low nullFlavor="UNK"/><high value="2013"/></effectiveTime>'))).toEqual({ end: '2013' });
    expect(periodOf(xml('<effectiveTime><low nullFlavor="UNK"/></effectiveTime>'))).toBeUndefined();
    expect(effectiveOf(ivl)).toEqual({ effectivePeriod: { start: '2012-01-01', end: '2012-03-01' } });
    expect(effectiveOf(ts('20120101'))).toEqual({ effectiveDateTime: '2012-01-01' });
    expect(effectiveOf(xml('<effectiveTime><low value="20120101"/><high value="20120101"/></effectiveTime>'))).toEqual({ effectiveDateTime: '2012-01-01' });
    expect(effectiveOf(undefined)).toEqual({});
  });

  it('drops an end before the start (per-1) rather than emit an invalid Period', () => {
    expect(periodOf(xml('<effectiveTime><low value="20130101"/><high value="20120101"/></effectiveTime>'))).toEqual({ start: '2013-01-01' });
  });
});

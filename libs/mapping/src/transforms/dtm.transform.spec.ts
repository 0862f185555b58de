import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dtmToDate, dtmToDateTime, dtmToInstant, parseDtm, tmToTime } from './dtm.transform.js';

describe('v2 DTM → FHIR', () => {
  it('keeps the precision that was sent', () => {
    expect(dtmToDateTime('2012')).toBe('2012');
    expect(dtmToDateTime('201207')).toBe('2012-07');
    expect(dtmToDateTime('20120701')).toBe('2012-07-01');
    expect(dtmToDateTime('201207010822+0700')).toBe('2012-07-01T08:22:00+07:00');
    expect(dtmToDateTime('20120701082233.1234-0500')).toBe('2012-07-01T08:22:33.1234-05:00');
    expect(dtmToDateTime('20120701082233+0000')).toBe('2012-07-01T08:22:33Z');
  });

  it('reduces a time without zone to the date, unless a default zone is configured', () => {
    expect(dtmToDateTime('198808181126')).toBe('1988-08-18');
    expect(dtmToDateTime('198808181126', '+02:00')).toBe('1988-08-18T11:26:00+02:00');
    expect(dtmToDateTime('1988081811', 'Z')).toBe('1988-08-18T11:00:00Z');
  });

  it('refuses what is not a calendar date/time', () => {
    for (const bad of ['', 'abc', '2012-07-01', '20121301', '20120230', '201207012500', '2012070108+9900', '20120701 0822', '201']) {
      expect(dtmToDateTime(bad)).toBeUndefined();
    }
    expect(dtmToDate('20240229')).toBe('2024-02-29');
    expect(dtmToDate('20230229')).toBeUndefined();
  });

  it('date drops the time part', () => {
    expect(dtmToDate('19241010093000+0100')).toBe('1924-10-10');
  });

  it('instant needs a day and a zone', () => {
    expect(dtmToInstant('20141006092900+0700')).toBe('2014-10-06T09:29:00+07:00');
    expect(dtmToInstant('20141006')).toBeUndefined();
    expect(dtmToInstant('20141006', 'Z')).toBe('2014-10-06T00:00:00Z');
    expect(dtmToInstant('2014', 'Z')).toBeUndefined();
  });

  it('parses zone parts', () => {
    expect(parseDtm('2012070108-0330')?.zone).toBe('-03:30');
    expect(parseDtm('2012070108+1500')).toBeUndefined();
  });

  it('TM → FHIR time', () => {
    expect(tmToTime('1130')).toBe('11:30:00');
    expect(tmToTime('11:30:05')).toBe('11:30:05');
    expect(tmToTime('2561')).toBeUndefined();
  });

  it('splits exactly as the former regex-based parser did', () => {
    const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;
    // The former regex-based parser, as the reference.
    const reference = (raw: string): unknown => {
      const m = DTM.exec(raw.trim());
      if (!m) return undefined;
      const [, year, month, day, hour, minute, second, fraction, zone] = m;
      const days = [31, (+year! % 4 === 0 && (+year! % 100 !== 0 || +year! % 400 === 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
      if (month !== undefined && (+month < 1 || +month > 12)) return undefined;
      if (day !== undefined && (+day < 1 || +day > days[+month! - 1]!)) return undefined;
      if (hour !== undefined && +hour > 23) return undefined;
      if (minute !== undefined && +minute > 59) return undefined;
      if (second !== undefined && +second > 59) return undefined;
      let z: string | undefined;
      if (zone !== undefined) {
        const zh = +zone.slice(1, 3);
        const zm = +zone.slice(3, 5);
        if (zh > 14 || zm > 59) return undefined;
        z = zh === 0 && zm === 0 ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3, 5)}`;
      }
      return { year, month, day, hour, minute, second, fraction, zone: z };
    };
    const dtmLike = fc
      .array(fc.constantFrom('0', '1', '2', '3', '5', '9', '.', '+', '-', ' ', 'a'), { maxLength: 24 })
      .map((cs) => cs.join(''));
    const plausible = fc
      .tuple(fc.integer({ min: 2, max: 15 }), fc.stringMatching(/^[0-9]{15}$/), fc.stringMatching(/^(\.[0-9]{0,5})?([+-][0-9]{3,5})?$/))
      .map(([n, d, tail]) => d.slice(0, n) + tail);
    fc.assert(
      fc.property(fc.oneof(dtmLike, plausible, fc.string({ maxLength: 24 })), (raw) => {
        const ref = reference(raw) as { year: string; month?: string; day?: string; hour?: string; minute?: string; second?: string; fraction?: string; zone?: string } | undefined;
        expect(parseDtm(raw)).toEqual(ref);
        // The formatted forms, as the former functions built them from those parts.
        const date = ref && ref.year + (ref.month ? `-${ref.month}` : '') + (ref.month && ref.day ? `-${ref.day}` : '');
        const time = (p: NonNullable<typeof ref>, hour: string | undefined): string =>
          `${hour}:${p.minute ?? '00'}:${p.second ?? '00'}` + (p.second !== undefined && p.fraction ? `.${p.fraction}` : '');
        expect(dtmToDate(raw)).toBe(date);
        for (const zone of [undefined, '+02:00']) {
          const z = ref?.zone ?? zone;
          expect(dtmToDateTime(raw, zone)).toBe(ref && (ref.hour === undefined || z === undefined ? date : `${date}T${time(ref, ref.hour)}${z}`));
          expect(dtmToInstant(raw, zone)).toBe(ref && ref.day !== undefined && z !== undefined ? `${date}T${time(ref, ref.hour ?? '00')}${z}` : undefined);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { dicomDate, dicomDateTime, dicomTime, utcOffset } from './dicom-datetime.js';
import { displayOf, humanNameOf } from './person-name.js';

describe('DICOM dates and times', () => {
  it('reads DA, including the ACR-NEMA form, and refuses impossible dates', () => {
    expect(dicomDate('20040119')).toBe('2004-01-19');
    expect(dicomDate('2004.01.19')).toBe('2004-01-19');
    expect(dicomDate('20040230')).toBeUndefined();
    expect(dicomDate('2004')).toBeUndefined();
    expect(dicomDate(undefined)).toBeUndefined();
  });

  it('reads TM at every precision', () => {
    expect(dicomTime('07')).toBe('07:00:00');
    expect(dicomTime('0727')).toBe('07:27:00');
    expect(dicomTime('072730')).toBe('07:27:30');
    expect(dicomTime('072730.123456')).toBe('07:27:30.123456');
    expect(dicomTime('07:27:30')).toBe('07:27:30');
    expect(dicomTime('2460')).toBeUndefined();
  });

  it('joins date, time and offset, keeping only the date without an offset', () => {
    expect(utcOffset('-0500')).toBe('-05:00');
    expect(utcOffset('+14:00')).toBe('+14:00');
    expect(utcOffset('+1500')).toBeUndefined();
    expect(dicomDateTime('20040119', '072730', '-0500')).toBe('2004-01-19T07:27:30-05:00');
    expect(dicomDateTime('20040119', '072730', undefined)).toBe('2004-01-19');
    expect(dicomDateTime(undefined, '072730', '-0500')).toBeUndefined();
  });
});

describe('DICOM person names', () => {
  it('splits PN components into a HumanName', () => {
    expect(humanNameOf('Doe^Jane^Q^Mrs^PhD')).toEqual({ family: 'Doe', given: ['Jane', 'Q'], prefix: ['Mrs'], suffix: ['PhD'] });
    expect(humanNameOf('Doe')).toEqual({ family: 'Doe' });
    expect(humanNameOf('Yamada^Tarou=山田^太郎')).toEqual({ family: 'Yamada', given: ['Tarou'] });
    expect(humanNameOf('^^')).toBeUndefined();
    expect(displayOf({ family: 'Doe', given: ['Jane'], prefix: ['Dr'] })).toBe('Dr Jane Doe');
  });
});

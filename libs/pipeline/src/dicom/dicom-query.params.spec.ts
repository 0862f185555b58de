import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@hie/common';
import { parseQidoRequest, QIDO_DEFAULT_LIMIT } from './dicom-query.params.js';

describe('parseQidoRequest', () => {
  it('reads keys given as keywords or tags, UID lists in every form, and paging', () => {
    const r = parseQidoRequest('study', {}, {
      PatientID: 'P1',
      '0020000D': ['1.2.3,1.2.4', '1.2.5\\1.2.6'],
      '00080050': 'ACC9',
      limit: '10',
      offset: '20',
    });
    expect(r.criteria).toEqual({ patientId: 'P1', studyInstanceUids: ['1.2.3', '1.2.4', '1.2.5', '1.2.6'], accessionNumber: 'ACC9' });
    expect(r.page).toEqual({ limit: 10, offset: 20 });
    expect(r.matchesNothing).toBe(false);
  });

  it('reads StudyDate as a single date, a range and open ranges; refuses bad dates', () => {
    expect(parseQidoRequest('study', {}, { StudyDate: '20240105' }).criteria.studyDate).toEqual({ from: '20240105', to: '20240105' });
    expect(parseQidoRequest('study', {}, { StudyDate: '20240101-20241231' }).criteria.studyDate).toEqual({ from: '20240101', to: '20241231' });
    expect(parseQidoRequest('study', {}, { '00080020': '-20241231' }).criteria.studyDate).toEqual({ to: '20241231' });
    expect(parseQidoRequest('study', {}, { StudyDate: '20240101-' }).criteria.studyDate).toEqual({ from: '20240101' });
    for (const bad of ['2024-01-01', '20241301', '-', 'yesterday']) {
      expect(() => parseQidoRequest('study', {}, { StudyDate: bad }), bad).toThrow(InvalidInputError);
    }
  });

  it('reads ModalitiesInStudy and Modality as lists (upper-cased), wildcards as text, and a lone * as no constraint', () => {
    const r = parseQidoRequest('study', {}, { ModalitiesInStudy: 'ct,MR', PatientName: 'DOE^*', PatientID: '*' });
    expect(r.criteria).toEqual({ modalities: ['CT', 'MR'], patientName: 'DOE^*' });
    expect(parseQidoRequest('series', {}, { Modality: 'SR' }).criteria.modalities).toEqual(['SR']);
    expect(() => parseQidoRequest('study', {}, { ModalitiesInStudy: 'C;T' })).toThrow(InvalidInputError);
  });

  it('narrows by the path UIDs, and matches nothing when path and query disagree', () => {
    expect(parseQidoRequest('instance', { study: '1.2', series: '1.2.3' }, {}).criteria).toEqual({ studyInstanceUids: ['1.2'], seriesInstanceUids: ['1.2.3'] });
    expect(parseQidoRequest('series', { study: '1.2' }, { StudyInstanceUID: '1.2,1.3' }).criteria.studyInstanceUids).toEqual(['1.2']);
    expect(parseQidoRequest('series', { study: '1.2' }, { StudyInstanceUID: '1.3' }).matchesNothing).toBe(true);
  });

  it('reads includefield (keywords, tags, all) and lists keys it does not match on', () => {
    const r = parseQidoRequest('study', {}, { includefield: ['StudyID,00100030', 'PatientSex'], Foo: 'x', fuzzymatching: 'true' });
    expect([...(r.includeFields as Set<string>)]).toEqual(['00200010', '00100030', '00100040']);
    expect(r.ignoredKeys).toEqual(['Foo']);
    expect(parseQidoRequest('study', {}, { includefield: 'all' }).includeFields).toBe('all');
    expect(() => parseQidoRequest('study', {}, { includefield: 'NoSuchKeyword' })).toThrow(InvalidInputError);
  });

  it('defaults the page and refuses bad UIDs, limits and offsets', () => {
    expect(parseQidoRequest('study', {}, {}).page).toEqual({ limit: QIDO_DEFAULT_LIMIT, offset: 0 });
    for (const query of [{ StudyInstanceUID: '1.2.abc' }, { StudyInstanceUID: '1.'.repeat(40) + '1' }, { limit: '-1' }, { offset: 'x' }, { SOPInstanceUID: '' }]) {
      expect(() => parseQidoRequest('instance', {}, query), JSON.stringify(query)).toThrow(expect.objectContaining({ code: 'DICOM_QUERY_INVALID' }));
    }
    expect(() => parseQidoRequest('series', { study: '1.2.x' }, {})).toThrow(InvalidInputError);
  });
});

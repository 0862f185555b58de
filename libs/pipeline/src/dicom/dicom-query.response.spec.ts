import { describe, expect, it } from 'vitest';
import type { DicomInstanceRow } from '@hie/store';
import { instanceResult, metadataOf, seriesResult, studyResult } from './dicom-query.response.js';

const BASE = 'http://pacs.test/dicomweb';

function row(over: Partial<DicomInstanceRow> = {}): DicomInstanceRow {
  return {
    sopInstanceUid: '1.2.3.4.5', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1', modality: 'CT', seriesNumber: 3, instanceNumber: 7, patientId: 'P1', patientName: 'Doe^John',
    studyDate: '20240105', accessionNumber: 'ACC1', recordId: 'r', versionId: 1, messageId: 'm', cid: 'c', sizeBytes: 1, plaintextBytes: 1,
    contentHash: 'h', dataKeyId: 'k', storedAt: new Date(0),
    metadata: JSON.stringify({
      '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Ref^Doc' }] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^John', Ideographic: '山田^太郎' }] },
      '00100040': { vr: 'CS', Value: ['M'] },
      '00200010': { vr: 'SH', Value: ['S1'] },
      '0008103E': { vr: 'LO', Value: ['Axial'] },
      '00280010': { vr: 'US', Value: [512] },
      '00181030': { vr: 'LO', Value: ['Protocol X'] },
    }),
    ...over,
  };
}

describe('QIDO-RS response builders', () => {
  it('answers a study with counts, modalities, SOP classes, RetrieveURL and metadata values, in tag order', () => {
    const json = studyResult({ sample: row(), seriesCount: 2, instanceCount: 5, modalities: ['CT', 'MR'], sopClassUids: ['1.2.840.10008.5.1.4.1.1.2'] }, BASE, new Set());
    expect(json['00201206']).toEqual({ vr: 'IS', Value: [2] });
    expect(json['00201208']).toEqual({ vr: 'IS', Value: [5] });
    expect(json['00080061']).toEqual({ vr: 'CS', Value: ['CT', 'MR'] });
    expect(json['00081190']).toEqual({ vr: 'UR', Value: [`${BASE}/studies/1.2.3`] });
    expect(json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^John', Ideographic: '山田^太郎' }] }); // metadata wins over the column
    expect(json['00080090']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Ref^Doc' }] });
    expect(json['00080020']).toEqual({ vr: 'DA', Value: ['20240105'] });
    expect(json['00080056']).toEqual({ vr: 'CS', Value: ['ONLINE'] });
    expect(json['0008103E']).toBeUndefined(); // series-level, not asked
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
  });

  it('adds includefield attributes, or every metadata attribute for all', () => {
    const match = { sample: row(), seriesCount: 1, instanceCount: 1, modalities: ['CT'], sopClassUids: [] };
    expect(studyResult(match, BASE, new Set(['00181030']))['00181030']).toEqual({ vr: 'LO', Value: ['Protocol X'] });
    expect(studyResult(match, BASE, 'all')['00280010']).toEqual({ vr: 'US', Value: [512] });
  });

  it('answers series and instances, repeating parent attributes only outside a scope', () => {
    const inStudy = seriesResult({ sample: row(), instanceCount: 4 }, BASE, new Set(), false);
    expect(inStudy).toMatchObject({ '00080060': { vr: 'CS', Value: ['CT'] }, '00200011': { vr: 'IS', Value: [3] }, '00201209': { vr: 'IS', Value: [4] }, '0008103E': { vr: 'LO', Value: ['Axial'] } });
    expect(inStudy['00081190']).toEqual({ vr: 'UR', Value: [`${BASE}/studies/1.2.3/series/1.2.3.4`] });
    expect(inStudy['00100020']).toBeUndefined();
    expect(seriesResult({ sample: row(), instanceCount: 4 }, BASE, new Set(), true)['00100020']).toEqual({ vr: 'LO', Value: ['P1'] });
    const instance = instanceResult(row(), BASE, new Set(), false);
    expect(instance).toMatchObject({
      '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00080018': { vr: 'UI', Value: ['1.2.3.4.5'] },
      '00200013': { vr: 'IS', Value: [7] }, '00280010': { vr: 'US', Value: [512] },
      '00081190': { vr: 'UR', Value: [`${BASE}/studies/1.2.3/series/1.2.3.4/instances/1.2.3.4.5`] },
    });
    expect(instance['00100020']).toBeUndefined();
    expect(instanceResult(row(), BASE, new Set(), true)['00100020']).toEqual({ vr: 'LO', Value: ['P1'] });
  });

  it('falls back to the index columns when the metadata is unreadable', () => {
    const broken = row({ metadata: '{not json' });
    expect(metadataOf(broken)).toEqual({});
    expect(instanceResult(broken, BASE, new Set(), true)['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }] });
  });
});

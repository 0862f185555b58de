import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DRIVERS, openTestStore } from '../../../../test/support/test-store.js';
import type { TestStore } from '../../../../test/support/test-store.js';
import { SqlRunner } from '../sql/sql-runner.js';
import type { DicomInstanceRow } from './dicom-instance.model.js';
import { DICOM_INSTANCE_COLUMNS, instanceParams } from './dicom-instance.row-mapper.js';
import { DicomQueryRepository, likePattern } from './dicom-query.repository.js';

const PAGE = { limit: 100, offset: 0 };
let n = 0;

function instance(over: Partial<DicomInstanceRow> & Pick<DicomInstanceRow, 'sopInstanceUid' | 'studyInstanceUid' | 'seriesInstanceUid'>): DicomInstanceRow {
  n++;
  return {
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    recordId: `rec-${n}`,
    versionId: 1,
    messageId: `0190a0a0-0000-7000-8000-${String(n).padStart(12, '0')}`,
    cid: `bafy${n}`,
    sizeBytes: 1000,
    plaintextBytes: 900,
    contentHash: 'a'.repeat(64),
    dataKeyId: '0190a0a0-0000-7000-8000-000000000001',
    metadata: JSON.stringify({ '00080018': { vr: 'UI', Value: [over.sopInstanceUid] } }),
    storedAt: new Date('2026-01-02T03:04:05.000Z'),
    ...over,
  };
}

// Two patients; study 1.1 has a CT and an MR series, study 1.2 one CT series, study 1.3 no date/modality.
const ROWS: DicomInstanceRow[] = [
  instance({ sopInstanceUid: '1.1.1.1', studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', modality: 'CT', instanceNumber: 2, seriesNumber: 1, patientId: 'P1', patientName: 'Doe^John', studyDate: '20240105', accessionNumber: 'ACC1', studyDescription: 'Chest' }),
  instance({ sopInstanceUid: '1.1.1.2', studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', modality: 'CT', instanceNumber: 1, seriesNumber: 1, patientId: 'P1', patientName: 'Doe^John', studyDate: '20240105', accessionNumber: 'ACC1', studyDescription: 'Chest' }),
  instance({ sopInstanceUid: '1.1.2.1', studyInstanceUid: '1.1', seriesInstanceUid: '1.1.2', modality: 'MR', sopClassUid: '1.2.840.10008.5.1.4.1.1.4', seriesNumber: 2, patientId: 'P1', patientName: 'Doe^John', studyDate: '20240105', accessionNumber: 'ACC1' }),
  instance({ sopInstanceUid: '1.2.1.1', studyInstanceUid: '1.2', seriesInstanceUid: '1.2.1', modality: 'CT', patientId: 'P2', patientName: 'Roe^Jane_%', studyDate: '20250320', accessionNumber: 'ACC2' }),
  instance({ sopInstanceUid: '1.3.1.1', studyInstanceUid: '1.3', seriesInstanceUid: '1.3.1', patientId: 'P2' }),
];

describe.each(STORE_DRIVERS)('DicomQueryRepository on %s', (driver) => {
  let store: TestStore;
  let repo: DicomQueryRepository;

  beforeAll(async () => {
    store = await openTestStore(driver);
    const sql = SqlRunner.from(store.dataSource);
    for (const row of ROWS) {
      await sql.run(`INSERT INTO dicom_instance (${DICOM_INSTANCE_COLUMNS.join(', ')}) VALUES (${SqlRunner.placeholders(DICOM_INSTANCE_COLUMNS.length)})`, instanceParams(row, (d) => sql.date(d)));
    }
    repo = new DicomQueryRepository(store.dataSource);
  });
  afterAll(async () => {
    await store?.close();
  });

  const studyUids = async (c: Parameters<DicomQueryRepository['searchStudies']>[0], page = PAGE): Promise<string[]> =>
    (await repo.searchStudies(c, page)).map((s) => s.sample.studyInstanceUid);

  it('lists every study with counts, modalities and SOP classes over all its instances', async () => {
    const studies = await repo.searchStudies({}, PAGE);
    expect(studies.map((s) => s.sample.studyInstanceUid)).toEqual(['1.1', '1.2', '1.3']);
    expect(studies[0]).toMatchObject({ seriesCount: 2, instanceCount: 3, modalities: ['CT', 'MR'], sopClassUids: ['1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.5.1.4.1.1.4'] });
    expect(studies[0]!.sample).toMatchObject({ patientId: 'P1', accessionNumber: 'ACC1', studyDate: '20240105' });
    expect(studies[2]).toMatchObject({ seriesCount: 1, instanceCount: 1, modalities: [] });
  });

  it('matches PatientID, AccessionNumber, StudyInstanceUID lists and ModalitiesInStudy (counting the whole study)', async () => {
    expect(await studyUids({ patientId: 'P2' })).toEqual(['1.2', '1.3']);
    expect(await studyUids({ accessionNumber: 'ACC1' })).toEqual(['1.1']);
    expect(await studyUids({ studyInstanceUids: ['1.3', '1.1', '9.9'] })).toEqual(['1.1', '1.3']);
    const mr = await repo.searchStudies({ modalities: ['MR'] }, PAGE);
    expect(mr.map((s) => [s.sample.studyInstanceUid, s.seriesCount, s.instanceCount, s.modalities])).toEqual([['1.1', 2, 3, ['CT', 'MR']]]);
    expect(await studyUids({ modalities: ['CT', 'MR'], patientId: 'P2' })).toEqual(['1.2']);
  });

  it('matches StudyDate as a date, a closed range and open ranges (a study without a date only when unconstrained)', async () => {
    expect(await studyUids({ studyDate: { from: '20240105', to: '20240105' } })).toEqual(['1.1']);
    expect(await studyUids({ studyDate: { from: '20240101', to: '20251231' } })).toEqual(['1.1', '1.2']);
    expect(await studyUids({ studyDate: { from: '20250101' } })).toEqual(['1.2']);
    expect(await studyUids({ studyDate: { to: '20241231' } })).toEqual(['1.1']);
    expect(await studyUids({ studyDate: { from: '20300101' } })).toEqual([]);
  });

  it('matches PatientName with * and ? wildcards case-insensitively, and LIKE metacharacters literally', async () => {
    expect(await studyUids({ patientName: 'doe*' })).toEqual(['1.1']);
    expect(await studyUids({ patientName: 'R?E^*' })).toEqual(['1.2']);
    expect(await studyUids({ patientName: '*_%' })).toEqual(['1.2']);
    expect(await studyUids({ patientName: '*e^J_*' })).toEqual([]); // `_` is literal, not "one character"
    expect(await studyUids({ patientName: 'Doe^John' })).toEqual(['1.1']);
    expect(await studyUids({ patientName: 'doe^john' })).toEqual([]); // no wildcard: exact
  });

  it('pages with limit and offset', async () => {
    expect(await studyUids({}, { limit: 2, offset: 0 })).toEqual(['1.1', '1.2']);
    expect(await studyUids({}, { limit: 2, offset: 2 })).toEqual(['1.3']);
    expect(await studyUids({}, { limit: 0, offset: 0 })).toEqual([]);
  });

  it('searches series (Modality, within a study) with their instance counts', async () => {
    const all = await repo.searchSeries({}, PAGE);
    expect(all.map((s) => [s.sample.seriesInstanceUid, s.instanceCount])).toEqual([['1.1.1', 2], ['1.1.2', 1], ['1.2.1', 1], ['1.3.1', 1]]);
    const ct = await repo.searchSeries({ studyInstanceUids: ['1.1'], modalities: ['CT'] }, PAGE);
    expect(ct.map((s) => [s.sample.seriesInstanceUid, s.sample.modality, s.instanceCount])).toEqual([['1.1.1', 'CT', 2]]);
    expect((await repo.searchSeries({ seriesNumber: 2 }, PAGE)).map((s) => s.sample.seriesInstanceUid)).toEqual(['1.1.2']);
  });

  it('searches instances in study/series/instance-number order, by SOP Instance UID and SOP Class', async () => {
    const inStudy = await repo.searchInstances({ studyInstanceUids: ['1.1'] }, PAGE);
    expect(inStudy.map((r) => r.sopInstanceUid)).toEqual(['1.1.1.2', '1.1.1.1', '1.1.2.1']);
    expect(inStudy[0]).toMatchObject({ cid: expect.stringMatching(/^bafy/), plaintextBytes: 900, storedAt: new Date('2026-01-02T03:04:05.000Z') });
    expect((await repo.searchInstances({ sopInstanceUids: ['1.2.1.1'] }, PAGE)).map((r) => r.patientName)).toEqual(['Roe^Jane_%']);
    expect((await repo.searchInstances({ sopClassUids: ['1.2.840.10008.5.1.4.1.1.4'] }, PAGE)).map((r) => r.sopInstanceUid)).toEqual(['1.1.2.1']);
  });

  it('finds instances under their own study and series only', async () => {
    expect((await repo.instancesUnder({ study: '1.1' })).length).toBe(3);
    expect((await repo.instancesUnder({ study: '1.1', series: '1.1.2' })).map((r) => r.sopInstanceUid)).toEqual(['1.1.2.1']);
    expect((await repo.instancesUnder({ study: '1.1', series: '1.1.1', sop: '1.1.1.1' })).map((r) => r.sopInstanceUid)).toEqual(['1.1.1.1']);
    expect(await repo.instancesUnder({ study: '1.2', series: '1.1.1', sop: '1.1.1.1' })).toEqual([]);
  });

  it('refuses an empty UID list', async () => {
    await expect(repo.searchStudies({ studyInstanceUids: [] }, PAGE)).rejects.toMatchObject({ code: 'DICOM_QUERY_INVALID' });
  });
});

describe('likePattern', () => {
  it('maps DICOM wildcards and escapes LIKE metacharacters', () => {
    expect(likePattern('a*b?c%d_e\\f')).toBe('a%b_c\\%d\\_e\\\\f');
  });
});

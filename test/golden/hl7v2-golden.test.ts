/**
 * Golden tests: one reviewed expected Bundle per message family. Any difference fails.
 * After a deliberate mapping change: `UPDATE_GOLDEN=1 npx vitest run test/golden/hl7v2-golden.test.ts`,
 * then REVIEW the diff of fixtures/hl7v2/expected/ against the source messages before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deterministicId } from '@hie/common';
import { expectedDir, goldenOptions, mappingSet, readFixture } from './hl7v2-fixtures.js';

const golden: readonly { file: string; family: string }[] = [
  { file: 'ADT-A01-01.hl7', family: 'ADT^A01 admit' },
  { file: 'ADT-A08-01.hl7', family: 'ADT^A08 update' },
  { file: 'ADT-A40-01.hl7', family: 'ADT^A40 merge' },
  { file: 'LAB-ORU-1.hl7', family: 'ORU^R01 results' },
  { file: 'LAB-ORM-1.hl7', family: 'ORM^O01 order' },
  { file: 'MDHHS-OML-O21-1.hl7', family: 'OML^O21 lab order' },
  { file: 'IZ_1_1.1_Admin_Child_Max_Message.hl7', family: 'VXU^V04 immunization' },
];

const update = process.env['UPDATE_GOLDEN'] === '1';

describe('HL7 v2 → FHIR golden files', () => {
  for (const { file, family } of golden) {
    it(`${family}: ${file}`, () => {
      const result = mappingSet().convert(readFixture(file), goldenOptions);
      const actual = JSON.stringify({ bundle: result.bundle, issues: result.issues }, null, 2) + '\n';
      const path = join(expectedDir, file.replace(/\.hl7$/, '.bundle.json'));
      if (update || !existsSync(path)) {
        if (!update) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
        writeFileSync(path, actual);
      }
      expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    });
  }
});

describe('updates and merges act on existing resources', () => {
  const ids = (file: string, type: string): string[] =>
    mappingSet()
      .convert(readFixture(file), goldenOptions)
      .bundle.entry!.filter((e) => e.resource?.resourceType === type && e.request?.method === 'PUT')
      .map((e) => e.resource!.id!);

  it('A08 carries the same Patient and Encounter ids as the A01 that created them', () => {
    expect(ids('ADT-A08-01.hl7', 'Patient')).toEqual(ids('ADT-A01-01.hl7', 'Patient'));
    expect(ids('ADT-A08-01.hl7', 'Encounter')).toEqual(ids('ADT-A01-01.hl7', 'Encounter'));
    expect(ids('ADT-A01-01.hl7', 'Encounter')).toHaveLength(1);
  });

  it('A40 links the survivor to the merged patient and patches the merged one in place', () => {
    const { bundle } = mappingSet().convert(readFixture('ADT-A40-01.hl7'), goldenOptions);
    const survivor = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!;
    const patch = bundle.entry!.find((e) => e.request?.method === 'PATCH')!;
    const oldId = patch.request!.url.replace('Patient/', '');
    expect(oldId).not.toBe(survivor.id);
    expect(survivor['link']).toEqual([{ other: { reference: `Patient/${oldId}` }, type: 'replaces' }]);
    expect(patch.resource).toMatchObject({ resourceType: 'Binary', contentType: 'application/json-patch+json' });
    const ops = JSON.parse(Buffer.from(String(patch.resource!['data']), 'base64').toString('utf8'));
    expect(ops).toEqual([
      { op: 'add', path: '/active', value: false },
      { op: 'add', path: '/link', value: [{ other: { reference: `Patient/${survivor.id}` }, type: 'replaced-by' }] },
    ]);
    // Both ids follow pid.patient's recipe: [type, assigning authority (CX-4), id (CX-1)].
    expect(survivor.id).toBe(deterministicId(goldenOptions.idSecret, ['Patient', 'BCBS', '12345']));
    expect(oldId).toBe(deterministicId(goldenOptions.idSecret, ['Patient', 'BCBS', '56789']));
  });
});

/**
 * Golden tests of the DICOM → ImagingStudy conversion: one reviewed expected transaction Bundle
 * per case (CT_small, MR_small, and a two-series study assembled from both), plus the rule checks
 * every format gets (valid R4, references resolve in the Bundle or the store, ids unique, no empty
 * elements). After a deliberate mapping change:
 * `UPDATE_GOLDEN=1 npx vitest run test/golden/dicom-golden.test.ts`, then REVIEW the diff of
 * fixtures/dicom/expected/ against the DICOM headers before committing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createR4Validator, type Bundle } from '@hie/fhir';
import { buildImagingStudy, type DicomStudyInstance, type ImagingStudyInput } from '@hie/mapping';
import { duplicateIds, emptyElements, unresolvedReferences } from './bundle-rules.js';
import {
  asInstance,
  assembledStudy,
  dicomExpectedDir,
  dicomHeader,
  dicomTables,
  GOLDEN_DICOMWEB,
  GOLDEN_ID_SECRET,
  GOLDEN_ISSUER,
  GOLDEN_ORDER_ID,
  goldenPatientId,
} from './dicom-fixtures.js';

const update = process.env['UPDATE_GOLDEN'] === '1';
const validator = createR4Validator();

interface Case {
  readonly name: string;
  readonly input: () => ImagingStudyInput;
  /** References the store resolves (the known Patient, the matched order). */
  readonly inStore: (input: ImagingStudyInput) => string[];
}

function single(file: string): () => ImagingStudyInput {
  return () => {
    const header = dicomHeader(file);
    return {
      studyInstanceUid: header.studyInstanceUid,
      instances: [asInstance(header)],
      patientId: goldenPatientId(header),
      patientAuthority: GOLDEN_ISSUER,
      patientExists: false,
      dicomwebBaseUrl: GOLDEN_DICOMWEB,
    };
  };
}

function assembled(instances: DicomStudyInstance[] = assembledStudy()): ImagingStudyInput {
  return {
    studyInstanceUid: instances[0]!.studyInstanceUid,
    instances,
    patientId: goldenPatientId(dicomHeader('CT_small.dcm')),
    patientExists: true,
    serviceRequestId: GOLDEN_ORDER_ID,
    dicomwebBaseUrl: GOLDEN_DICOMWEB,
  };
}

const cases: readonly Case[] = [
  { name: 'CT_small', input: single('CT_small.dcm'), inStore: () => [] },
  { name: 'MR_small', input: single('MR_small.dcm'), inStore: () => [] },
  { name: 'CT_MR_two_series', input: () => assembled(), inStore: (i) => [`Patient/${i.patientId}`, `ServiceRequest/${GOLDEN_ORDER_ID}`] },
];

function convert(input: ImagingStudyInput) {
  return buildImagingStudy(input, dicomTables(), { idSecret: GOLDEN_ID_SECRET });
}

describe('DICOM → ImagingStudy golden files', () => {
  for (const c of cases) {
    it(`${c.name} matches its reviewed Bundle`, () => {
      const result = convert(c.input());
      const actual = `${JSON.stringify({ bundle: result.bundle, issues: result.issues }, null, 2)}\n`;
      const path = join(dicomExpectedDir, `${c.name}.bundle.json`);
      if (update || !existsSync(path)) {
        if (!update) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
        mkdirSync(dicomExpectedDir, { recursive: true });
        writeFileSync(path, actual);
      }
      expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    });

    it(`${c.name} passes the rule checks`, () => {
      const input = c.input();
      const { bundle } = convert(input);
      expect(validator.validate(bundle).filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
      const store = new Set(c.inStore(input));
      expect(unresolvedReferences(bundle).filter((r) => !store.has(r))).toEqual([]);
      expect(duplicateIds(bundle)).toEqual([]);
      expect(emptyElements(bundle)).toEqual([]);
      // Every instance of the input is listed once, under its own series.
      const study = imagingStudy(bundle);
      const listed = (study['series'] as { uid: string; instance: { uid: string }[] }[]).flatMap((s) => s.instance.map((i) => `${s.uid}/${i.uid}`));
      expect(listed.sort()).toEqual(input.instances.map((i) => `${i.seriesInstanceUid}/${i.sopInstanceUid}`).sort());
    });
  }

  it('gives the assembled study the same Bundle whatever order its instances come in', () => {
    expect(convert(assembled([...assembledStudy()].reverse())).bundle).toEqual(convert(assembled()).bundle);
  });
});

function imagingStudy(bundle: Bundle): Record<string, unknown> {
  const entry = bundle.entry?.find((e) => e.resource?.resourceType === 'ImagingStudy');
  if (!entry?.resource) throw new Error('no ImagingStudy');
  return entry.resource;
}

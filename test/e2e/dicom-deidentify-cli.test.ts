import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deidentifiedUid, readDicomHeader } from '@hie/dicom';
import { hie } from '../support/hie-cli.js';
import { repoRoot } from '../support/hl7-text.js';

/** The corner of dcmjs used to read the output back, independently of the engine's reader. */
interface DcmjsReader {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown } };
    DicomMetaDictionary: { naturalizeDataset(dict: unknown): Record<string, unknown> };
  };
}

const secret = 'e2e-dicom-secret';
const study = join(repoRoot, 'fixtures/dicom/pydicom/dicomdirtests/98892001');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hie-dicom-deid-e2e-'));
  copyFileSync(join(study, 'CT2N/6293'), join(dir, 'a.dcm'));
  copyFileSync(join(study, 'CT2N/6924'), join(dir, 'b.dcm'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hie dicom deidentify (built CLI)', () => {
  it('writes de-identified files that parse, lack the PHI, and share one new Study UID', async () => {
    const outputs: Buffer[] = [];
    for (const name of ['a', 'b']) {
      const result = await hie(['dicom', 'deidentify', join(dir, `${name}.dcm`)], { HIE_ID_SECRET: secret });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/\.deid\.dcm: \d+ removed, \d+ emptied, \d+ replaced by dummies, [1-9]\d* UIDs replaced/);
      expect(result.stdout).not.toMatch(/Doe|98890234|1\.3\.6\.1\.4\.1\.5962/);
      outputs.push(readFileSync(join(dir, `${name}.deid.dcm`)));
    }
    const original = readDicomHeader(readFileSync(join(dir, 'a.dcm')));
    const headers = outputs.map((bytes) => readDicomHeader(bytes));
    expect(headers[0]!.studyInstanceUid).toBe(deidentifiedUid(secret, original.studyInstanceUid));
    expect(headers[1]!.studyInstanceUid).toBe(headers[0]!.studyInstanceUid);
    expect(headers[1]!.sopInstanceUid).not.toBe(headers[0]!.sopInstanceUid);
    for (const bytes of outputs) {
      const text = bytes.toString('latin1');
      for (const phi of ['Doe^Peter', '98890234', original.studyInstanceUid, original.sopInstanceUid]) expect(text).not.toContain(phi);
      const reader = dcmjs as unknown as DcmjsReader;
      const file = reader.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const dataset = reader.data.DicomMetaDictionary.naturalizeDataset(file.dict);
      expect(dataset['PatientIdentityRemoved']).toBe('YES');
      expect(dataset['PatientName'] ?? []).toEqual([]);
    }
  });

  it('exits 1 with the refusal code for a file it cannot read, and writes nothing', async () => {
    const result = await hie(['dicom', 'deidentify', join(repoRoot, 'fixtures/dicom/pydicom/MR_truncated.dcm'), '--out', join(dir, 'bad.dcm')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DICOM_(TRUNCATED|LENGTH_BEYOND_END)/);
    expect(existsSync(join(dir, 'bad.dcm'))).toBe(false);
  });
});

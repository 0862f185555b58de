import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deidentifiedUid, readDicomHeader } from '@hie/dicom';
import { repoRoot, runHie } from '../support/run-hie.spec-helpers.js';

const fixture = join(repoRoot, 'fixtures/dicom/pydicom/examples_overlay.dcm');

const run = runHie;

describe('hie dicom deidentify', () => {
  let dir: string;
  const previousSecret = process.env.HIE_ID_SECRET;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-dicom-'));
    copyFileSync(fixture, join(dir, 'overlay.dcm'));
    process.env.HIE_ID_SECRET = 'cli-spec-secret';
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (previousSecret === undefined) delete process.env.HIE_ID_SECRET;
    else process.env.HIE_ID_SECRET = previousSecret;
  });

  it('writes <name>.deid.dcm with UIDs keyed by HIE_ID_SECRET and prints counts, never values', async () => {
    const input = join(dir, 'overlay.dcm');
    const { code, out, err } = await run('dicom', 'deidentify', input);
    expect(err).toBe('');
    expect(code).toBe(0);
    const output = join(dir, 'overlay.deid.dcm');
    expect(out).toMatch(/overlay\.deid\.dcm: \d+ removed, \d+ emptied, \d+ replaced by dummies, \d+ UIDs replaced, 9 private removed/);
    expect(out).not.toMatch(/021234567|AKH|Sssssss|1\.2\.124\.113532/);
    const before = readDicomHeader(readFileSync(input));
    const after = readDicomHeader(readFileSync(output));
    expect(after.studyInstanceUid).toBe(deidentifiedUid('cli-spec-secret', before.studyInstanceUid));
    expect(after.metadata['00100020']?.Value ?? []).toEqual([]);
    expect(readFileSync(output).toString('latin1')).not.toContain('021234567');
  });

  it('honours --out, refuses to overwrite its input, and exits 1 with the reason for a file it cannot read', async () => {
    const input = join(dir, 'overlay.dcm');
    const target = join(dir, 'chosen.dcm');
    expect((await run('dicom', 'deidentify', input, '--out', target)).code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const same = await run('dicom', 'deidentify', input, '--out', input);
    expect(same.code).toBe(1);
    expect(same.err).toContain('CLI_OUTPUT_IS_INPUT');
    const bad = await run('dicom', 'deidentify', join(repoRoot, 'fixtures/dicom/pydicom/MR_truncated.dcm'), '--out', join(dir, 'x.dcm'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/DICOM_(TRUNCATED|LENGTH_BEYOND_END)/);
    expect(existsSync(join(dir, 'x.dcm'))).toBe(false);
  });
});

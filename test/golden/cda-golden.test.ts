/**
 * Golden tests: one reviewed expected document Bundle per C-CDA document type. Any difference
 * fails. After a deliberate mapping change:
 * `UPDATE_GOLDEN=1 npx vitest run test/golden/cda-golden.test.ts`, then REVIEW the diff of
 * fixtures/cda/expected/ against the source documents before committing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bundle } from '@hie/fhir';
import { cdaConversion, cdaExpectedDir, readCdaFixture } from './cda-fixtures.js';

const golden: readonly { file: string; type: string }[] = [
  { file: 'CCD.ccda', type: 'CCD' },
  { file: 'Consultation_Note.ccda', type: 'Consultation Note' },
  { file: 'Discharge_Summary.ccda', type: 'Discharge Summary' },
  { file: 'History_and_Physical.ccda', type: 'History and Physical' },
  { file: 'Operative_Note.ccda', type: 'Operative Note' },
  { file: 'Procedure_Note.ccda', type: 'Procedure Note' },
  { file: 'Progress_Note.ccda', type: 'Progress Note' },
  { file: 'Referral_Note.ccda', type: 'Referral Note' },
  { file: 'Transfer_Summary.ccda', type: 'Transfer Summary' },
];

const update = process.env['UPDATE_GOLDEN'] === '1';
const ORIGINAL = '(the source document, base64: checked byte for byte by the test)';

/**
 * The DocumentReference carries the original XML inline: checks it is exactly the source (bytes,
 * size, SHA-1), then puts a placeholder in its place so the golden file stays readable.
 */
function withOriginalChecked(document: Bundle, source: Buffer): Bundle {
  const copy = JSON.parse(JSON.stringify(document)) as Bundle;
  let found = 0;
  for (const entry of copy.entry ?? []) {
    if (entry.resource?.resourceType !== 'DocumentReference') continue;
    for (const content of (entry.resource['content'] as { attachment: Record<string, unknown> }[] | undefined) ?? []) {
      const a = content.attachment;
      expect(a['size']).toBe(source.length);
      expect(a['hash']).toBe(createHash('sha1').update(source).digest('base64'));
      if (typeof a['data'] === 'string') {
        expect(Buffer.from(a['data'], 'base64').equals(source)).toBe(true);
        a['data'] = ORIGINAL;
      }
      found++;
    }
  }
  expect(found).toBe(1);
  return copy;
}

describe('CDA → FHIR golden files (one per C-CDA document type)', () => {
  for (const { file, type } of golden) {
    it(`${type}: ${file}`, () => {
      const source = readCdaFixture(file);
      const attempt = cdaConversion().convert(source);
      if (!attempt.ok) throw new Error(`${file} did not convert: ${JSON.stringify(attempt.outcome.issue.slice(0, 3))}`);
      const bundle = withOriginalChecked(attempt.document, source);
      const actual = `${JSON.stringify({ documentType: attempt.documentType, bundle, issues: attempt.issues }, null, 2)}\n`;
      const path = join(cdaExpectedDir, file.replace(/\.ccda$/, '.bundle.json'));
      if (update || !existsSync(path)) {
        if (!update) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
        mkdirSync(cdaExpectedDir, { recursive: true });
        writeFileSync(path, actual);
      }
      expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    });
  }

  it('recognises each golden document as its type', () => {
    const types = golden.map(({ file }) => {
      const attempt = cdaConversion().convert(readCdaFixture(file));
      return attempt.ok ? attempt.documentType : 'failed';
    });
    expect(new Set(types).size).toBe(golden.length);
    expect(types).not.toContain('unknown');
  });
});

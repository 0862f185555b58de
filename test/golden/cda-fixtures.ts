/** Shared helpers for the CDA golden and rule tests: the fixtures, the tables and the conversion. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createR4Validator } from '@hie/fhir';
import { loadCdaTables, type CdaTables, type MappingFile } from '@hie/mapping';
import { CdaConversion } from '@hie/pipeline';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cdaFixturesDir = join(repoRoot, 'fixtures/cda');
export const cdaExpectedDir = join(cdaFixturesDir, 'expected');
const cdaMappingsDir = join(repoRoot, 'mappings/cda');

/** Fixed, so golden outputs are reproducible (ids are keyed by it). */
export const GOLDEN_ID_SECRET = 'golden-test-secret';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The CDA table files, as the pipeline passes them (paths relative to mappings/). */
export function cdaMappingFiles(): MappingFile[] {
  return walk(cdaMappingsDir)
    .filter((p) => /\.ya?ml$/.test(p))
    .sort()
    .map((p) => ({ path: relative(join(repoRoot, 'mappings'), p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));
}

let tables: CdaTables | undefined;
export function cdaTables(): CdaTables {
  tables ??= loadCdaTables(cdaMappingFiles());
  return tables;
}

let conversion: CdaConversion | undefined;
/** The conversion the worker runs (parse, convert, validate, transaction), with the golden secret. */
export function cdaConversion(): CdaConversion {
  conversion ??= new CdaConversion(cdaTables(), createR4Validator(), { idSecret: GOLDEN_ID_SECRET });
  return conversion;
}

/** Every corpus document listed in fixtures/cda/MANIFEST.tsv. */
export function cdaFixtureNames(): string[] {
  return readFileSync(join(cdaFixturesDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]!)
    .filter((f) => f.endsWith('.ccda'));
}

export function readCdaFixture(name: string): Buffer {
  return readFileSync(join(cdaFixturesDir, name));
}

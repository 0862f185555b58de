/** Shared helpers for the HL7 v2 golden and rule tests: the fixtures and the compiled maps. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHl7, type Hl7Message } from '@hie/hl7v2';
import { loadMappingSet, type ConvertOptions, type MappingFile, type MappingSet } from '@hie/mapping';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = join(repoRoot, 'fixtures/hl7v2');
export const expectedDir = join(fixturesDir, 'expected');
const mappingsDir = join(repoRoot, 'mappings');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every HL7 v2 mapping file, as the pipeline passes them (path relative to mappings/; `cda/` has its own loader). */
export function mappingFiles(): MappingFile[] {
  return walk(join(mappingsDir, 'hl7v2'))
    .filter((p) => /\.ya?ml$/.test(p))
    .sort()
    .map((p) => ({ path: relative(mappingsDir, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));
}

let cached: MappingSet | undefined;
export function mappingSet(): MappingSet {
  cached ??= loadMappingSet(mappingFiles());
  return cached;
}

/** The family fixtures (every .hl7 listed in MANIFEST.tsv). */
export function fixtureNames(): string[] {
  return readFileSync(join(fixturesDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]!)
    .filter((f) => f.endsWith('.hl7'));
}

export function readFixture(name: string): Hl7Message {
  return parseHl7(readFileSync(join(fixturesDir, name)));
}

/** Fixed options, so outputs are reproducible (ids depend on the secret, Provenance on receivedAt). */
export const goldenOptions: ConvertOptions = {
  idSecret: 'golden-test-secret',
  receivedAt: new Date('2024-05-01T12:00:00.000Z'),
};

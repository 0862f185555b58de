import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { loadMappingSet, type MappingFile, type MappingSet } from '@hie/mapping';

/**
 * Reads every `.yaml` / `.yml` file under `dir` (recursively), sorted by path so the
 * set is the same on every machine. Paths are relative to `dir`, with `/` separators.
 */
export async function readMappingFiles(dir: string): Promise<MappingFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    paths.map(async (path) => ({ path: relative(dir, path).split(sep).join('/'), text: await readFile(path, 'utf8') })),
  );
}

/** Reads and compiles the mapping set under `dir` (throws MappingError on a bad map). */
export async function loadMappings(dir: string): Promise<MappingSet> {
  return loadMappingSet(await readMappingFiles(dir));
}

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { loadCdaTables, loadMappingSet, type CdaTables, type MappingFile, type MappingSet } from '@hie/mapping';

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

/**
 * The files of one source format: `mappings/` holds one top folder per format (`hl7v2/`,
 * `cda/`), each read by its own loader, which refuses paths outside its folder.
 */
export function mappingFilesOf(files: readonly MappingFile[], format: 'hl7v2' | 'cda'): MappingFile[] {
  return files.filter((f) => f.path.startsWith(`${format}/`));
}

/** Reads and compiles the HL7 v2 mapping set under `dir`/hl7v2 (throws MappingError on a bad map). */
export async function loadMappings(dir: string): Promise<MappingSet> {
  return loadMappingSet(mappingFilesOf(await readMappingFiles(dir), 'hl7v2'));
}

/** Reads the CDA tables under `dir`/cda (code systems, sections, value maps; throws MappingError on a bad table). */
export async function loadCdaMappings(dir: string): Promise<CdaTables> {
  return loadCdaTables(mappingFilesOf(await readMappingFiles(dir), 'cda'));
}

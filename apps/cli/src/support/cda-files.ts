import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** File extensions taken as CDA documents (sent to `POST /cda`, converted as CDA). */
export const CDA_EXTENSIONS: readonly string[] = ['.xml', '.ccda', '.cda'];

/** True for a `.xml`, `.ccda` or `.cda` file name. */
export function isCdaFile(path: string): boolean {
  return CDA_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** Every CDA document file under `dir`, recursively, sorted. */
export async function findCdaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isCdaFile(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

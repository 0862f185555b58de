import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every `.hl7` file under `dir`, recursively, sorted. */
export async function findHl7Files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.hl7$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hasPart10Preamble } from '@hie/transport';

/**
 * The files `hie dicom send` sends: each named file as it is; inside a named directory,
 * recursively, every `*.dcm` and every other file that starts with a DICOM preamble
 * (PACS exports often have no extension). Sorted, so runs are repeatable.
 */
export async function findDicomFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) await walk(path, found);
    else found.push(path);
  }
  return found;
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile() && (entry.name.toLowerCase().endsWith('.dcm') || (await startsWithPreamble(path)))) found.push(path);
  }
}

async function startsWithPreamble(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(132);
    const { bytesRead } = await file.read(head, 0, 132, 0);
    return hasPart10Preamble(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

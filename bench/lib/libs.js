// @ts-check
/** The engine's built libs (dist/), loaded by the benchmarks that drive a stage directly. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { engineDist } from './paths.js';

/**
 * A lib's built index (`pipeline`, `store`, `ledger`...), as the engine itself loads it.
 * @param {string} lib
 */
export async function importLib(lib) {
  const file = join(engineDist, 'libs', lib, 'src', 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return import(pathToFileURL(file).href);
}

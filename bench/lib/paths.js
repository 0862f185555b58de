// @ts-check
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built engine; the libs are built beside it (`nest build` keeps the source layout). */
export const engineDist = join(repoRoot, 'dist/apps/engine');
export const engineMain = join(engineDist, 'apps/engine/src/main.js');

// @ts-check
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where `dist/` is: the repository, or a snapshot copy named by HIE_DIST_ROOT. */
export const distRoot = process.env.HIE_DIST_ROOT ?? repoRoot;
/** The built engine; the libs are built beside it (`nest build` keeps the source layout). */
export const engineDist = join(distRoot, 'dist/apps/engine');
export const engineMain = join(engineDist, 'apps/engine/src/main.js');

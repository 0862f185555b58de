import { fileURLToPath } from 'node:url';
import { runCli } from '../main.js';

/** The repository root (mappings/, fixtures/). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `hie ARGS...` in this process, as the specs drive it, with stdout and stderr captured. */
export async function runHie(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'hie', ...args], {
    packageRoot: repoRoot,
    stdout: { write: (t: string) => (out += t) },
    stderr: { isTTY: false, write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

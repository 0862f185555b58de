import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot } from './hl7-text.js';

const builtEntries = ['dist/apps/engine/apps/engine/src/main.js', 'dist/apps/cli/apps/cli/src/main.js'];

/**
 * End-to-end tests run the BUILT engine and CLI, so build once when `dist/` is missing or
 * older than the sources. Runs that select no end-to-end test (`vitest run libs/store`) skip
 * it: a unit test run must not pay for, or fail on, a build of everyone's work in progress.
 */
export default async function setup(project: TestProject): Promise<void> {
  // HIE_DIST_ROOT: the tests run a snapshot of a build made elsewhere.
  if (process.env.HIE_SKIP_BUILD === '1' || process.env.HIE_DIST_ROOT) return;
  if (!(await selectsBuiltTests(project))) return;
  const stale = staleReason();
  if (!stale) return;
  console.log(`[global-setup] building (${stale})`);
  // flock: parallel vitest runs must not build (and delete dist/) at the same time.
  const result = spawnSync('flock', ['/tmp/hie-build.lock', 'npm', 'run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status}); end-to-end tests need the built engine`);
}

async function selectsBuiltTests(project: TestProject): Promise<boolean> {
  const filters = cliFilters();
  if (filters.length === 0) return true;
  const specs = await project.vitest.globTestSpecifications(filters);
  return specs.some((s) => /[\\/]test[\\/]e2e[\\/]/.test(s.moduleId));
}

/** Positional arguments of `vitest [run] [filters...]` (options and their values left out). */
function cliFilters(): string[] {
  const args = process.argv.slice(2);
  const filters: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      // `--opt value` form: skip the value unless it was `--opt=value`.
      if (!a.includes('=') && i + 1 < args.length && !args[i + 1]!.startsWith('-') && !looksLikePath(args[i + 1]!)) i++;
      continue;
    }
    if (filters.length === 0 && ['run', 'watch', 'dev', 'related'].includes(a)) continue;
    filters.push(a);
  }
  return filters;
}

function looksLikePath(a: string): boolean {
  return a.includes('/') || a.endsWith('.ts');
}

function staleReason(): string | undefined {
  let oldestBuild = Infinity;
  for (const entry of builtEntries) {
    const file = join(repoRoot, entry);
    if (!existsSync(file)) return `${entry} missing`;
    oldestBuild = Math.min(oldestBuild, statSync(file).mtimeMs);
  }
  const newestSource = Math.max(newestTs(join(repoRoot, 'apps')), newestTs(join(repoRoot, 'libs')));
  return newestSource > oldestBuild ? 'sources newer than dist' : undefined;
}

function newestTs(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') newest = Math.max(newest, newestTs(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

#!/usr/bin/env node
// @ts-check
/**
 * The FHIR R4 validator alone, on real engine output: µs per Bundle for the engine Bundles saved
 * in `libs/fhir/src/testdata/engine/` (regenerate them with the engine when the maps change).
 *
 *   node bench/validate.profile.mjs [--dist DIR] [--rounds N] [--only NAME]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/validate.profile.mjs --dist DIR
 *
 * Without --dist it compiles the current `libs/fhir/src/r4-validator.ts` (tsc, ~10 s) into a
 * temporary directory first, so it always measures the source as it is. With --dist DIR it imports
 * `DIR/r4-validator.js` (e.g. an earlier build, for an A/B comparison under the same load).
 * The machine is usually shared: times are process CPU time (user + system, so waiting for a core
 * does not count), the best and the median of several batches; compare runs made back to back.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const dataDir = join(repoRoot, 'libs/fhir/src/testdata/engine');

const args = process.argv.slice(2);
/** @param {string} name */
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rounds = Number(option('--rounds') ?? 15);
const only = option('--only');

let dist = option('--dist');
if (dist === undefined) {
  dist = join(tmpdir(), 'hie-fhir-validate-bench');
  const tsc = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '--ignoreConfig',
      join(repoRoot, 'libs/fhir/src/r4-validator.ts'),
      ...['--outDir', dist, '--rootDir', join(repoRoot, 'libs/fhir/src')],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'],
      ...['--resolveJsonModule', '--strict', '--skipLibCheck', '--types', 'node'],
    ],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(1);
  writeFileSync(join(dist, 'package.json'), '{"type":"module"}\n');
}

/** @type {{ createR4Validator(): { validate(resource: object): { severity: string }[] } }} */
const fhir = await import(pathToFileURL(join(dist, 'r4-validator.js')).href);
const validator = fhir.createR4Validator();

const bundles = readdirSync(dataDir)
  .filter((f) => f.endsWith('.bundle.json') && (only === undefined || f.includes(only)))
  .sort()
  .map((f) => ({ name: f.replace('.bundle.json', ''), bundle: JSON.parse(readFileSync(join(dataDir, f), 'utf8')) }));

for (const { name, bundle } of bundles) {
  const issues = validator.validate(bundle);
  if (issues.length > 0) throw new Error(`${name}: ${issues.length} issues, expected a valid Bundle: ${JSON.stringify(issues[0])}`);
}

/** CPU time of this process so far, in µs. */
function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * µs per validate() of one Bundle: the best and median of `rounds` timed batches of ~50 ms of CPU
 * each, after a warm-up (the best batch is the one least disturbed by other work on the machine).
 * @param {object} bundle
 */
function measure(bundle) {
  let sink = 0;
  let perBatch = 1;
  // Size the batch to ~50 ms (which also warms the JIT up).
  for (;;) {
    const t0 = cpuMicros();
    for (let i = 0; i < perBatch; i++) sink += validator.validate(bundle).length;
    if (cpuMicros() - t0 > 50_000) break;
    perBatch *= 2;
  }
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMicros();
    for (let i = 0; i < perBatch; i++) sink += validator.validate(bundle).length;
    times.push((cpuMicros() - t0) / perBatch);
  }
  if (sink !== 0) throw new Error('a valid Bundle reported issues while timed');
  times.sort((a, b) => a - b);
  return { min: times[0] ?? NaN, median: times[Math.floor(times.length / 2)] ?? NaN };
}

console.log(`validator: ${dist}`);
for (const { name, bundle } of bundles) {
  const { min, median } = measure(bundle);
  const size = JSON.stringify(bundle).length;
  console.log(
    `${name.padEnd(28)} ${String(bundle.entry.length).padStart(3)} entries ${String(Math.round(size / 1024)).padStart(3)} KB` +
      `  min ${min.toFixed(1).padStart(6)} µs/bundle  median ${median.toFixed(1).padStart(6)} µs/bundle`,
  );
}

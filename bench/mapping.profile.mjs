// @ts-check
/**
 * Mapping alone (parse done once up front): µs per message for a few corpus fixtures, to compare
 * changes to @hie/mapping and to profile with `node --cpu-prof bench/mapping.profile.mjs`.
 * Uses the built libs: `npm run build` (or MAPPING_DIST=<dir holding libs/> for a private build).
 * Options (env): MAPPING_SECONDS (per fixture, default 2), MAPPING_FIXTURES (comma list),
 * MAPPING_PARSE=1 to time parse + map instead (the parser splits a segment's fields on first
 * read, so only then is that splitting counted; without it the message is parsed once and reused).
 * Prints CPU time per message (the figure least disturbed by other load on the machine) and the
 * best and median wall time of 200-message batches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib/paths.js';

const dist = process.env.MAPPING_DIST ?? join(repoRoot, 'dist/apps/cli');
/** @param {string} lib */
const importLib = (lib) => import(pathToFileURL(join(dist, 'libs', lib, 'src', 'index.js')).href);
const hl7v2 = await importLib('hl7v2');
const mapping = await importLib('mapping');

const mappingsDir = join(repoRoot, 'mappings');
const files = readdirSync(mappingsDir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
  .map((e) => join(e.parentPath, e.name))
  .sort()
  .map((p) => ({ path: relative(mappingsDir, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));
const set = mapping.loadMappingSet(files);

const fixtures = (process.env.MAPPING_FIXTURES ?? 'ADT-A01-01.hl7,ORU-R01-01.hl7,LAB-ORU-1.hl7,LRI_2.0-NG_CBC_Typ_Message.hl7').split(',');
const seconds = Number(process.env.MAPPING_SECONDS ?? 2);
const withParse = process.env.MAPPING_PARSE === '1';
const options = { idSecret: 'bench-id-secret' };

for (const name of fixtures) {
  const text = readFileSync(join(repoRoot, 'fixtures/hl7v2', name), 'utf8');
  const message = hl7v2.parseHl7(text);
  const once = () => set.convert(withParse ? hl7v2.parseHl7(text) : message, options);
  const resources = once().bundle.entry.length;
  // Warm-up, then timed batches; the best batch is the least disturbed by other load.
  for (let i = 0; i < 2000; i++) once();
  const batches = [];
  let count = 0;
  const cpu0 = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) once();
    count += 200;
    batches.push(((performance.now() - t0) * 1000) / 200);
  }
  const cpu = process.cpuUsage(cpu0);
  batches.sort((a, b) => a - b);
  const median = batches[Math.floor(batches.length / 2)] ?? 0;
  // CPU time (user + system) per message is the least disturbed by other processes on the machine.
  const cpuPer = (cpu.user + cpu.system) / count;
  console.log(
    `${name.padEnd(34)} ${String(resources).padStart(3)} entries  cpu ${cpuPer.toFixed(1).padStart(7)} µs  wall best ${(batches[0] ?? 0).toFixed(1).padStart(7)} µs  median ${median.toFixed(1).padStart(7)} µs`,
  );
}

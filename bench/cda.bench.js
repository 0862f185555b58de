// @ts-check
/**
 * CDA conversion on one thread, with the pipeline's own CdaConversion from the built dist (what
 * the worker runs: safe XML parse → convert → validate (FHIR R4) → transaction Bundle):
 * - CCDs per second over the corpus CCDs of about 50 KB (target ≥ 300/s);
 * - milliseconds for the 150 KB C-CDA R2.1 sample (target < 15 ms);
 * - peak memory converting a 20 MB document (the R2.1 sample with its result entries and
 *   narrative rows repeated, ids made unique), measured in a child process (target < 10× size).
 *
 * Run alone: `node bench/cda.bench.js` (prints JSON), or through `BENCH_ONLY=cda npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importLib } from './lib/libs.js';
import { repoRoot } from './lib/paths.js';

const fixtures = join(repoRoot, 'fixtures/cda');
/** Corpus CCDs of about 50 KB ("typical CCDs"). */
const TYPICAL_CCDS = ['CCD.ccda', 'CCD-Parent-Document-Replace-C-CDAR2.1.ccda', 'PROBLEMS_in_Empty_C-CDA_2.1-C-CDAR2.1.ccda', '170.314B2_Amb_CCD.ccda'];
/** The 150 KB C-CDA R2.1 sample (HL7's own R2.1 CCD example). */
const R21_SAMPLE = 'C-CDA_R2-1_CCD.xml.ccda';
const RESULTS_SECTION = '2.16.840.1.113883.10.20.22.2.3.1';
const BIG_BYTES = 20 * 1024 * 1024;

/** The conversion as the engine builds it, from the built libs. */
async function openConversion() {
  const pipeline = await importLib('pipeline');
  const fhir = await importLib('fhir');
  const tables = await pipeline.loadCdaMappings(join(repoRoot, 'mappings'));
  return new pipeline.CdaConversion(tables, fhir.createR4Validator(), { idSecret: 'bench-id-secret' });
}

/**
 * @param {{ runs: number, seconds: number, log?: (line: string) => void }} options
 */
export async function benchCda({ runs, seconds, log = () => {} }) {
  const conversion = await openConversion();
  const ccds = TYPICAL_CCDS.map((file) => ({ file, bytes: readFileSync(join(fixtures, file)) }));
  const failures = [];
  for (const { file, bytes } of [...ccds, { file: R21_SAMPLE, bytes: readFileSync(join(fixtures, R21_SAMPLE)) }]) {
    const attempt = conversion.convert(bytes);
    if (!attempt.ok) failures.push(`${file}: ${attempt.outcome.issue.slice(0, 3).map((/** @type {{code:string, diagnostics?:string, expression?:string[]}} */ i) => `${i.code} ${i.expression?.join(',') ?? ''} ${i.diagnostics ?? ''}`).join('; ')}`);
  }
  const inputs = ccds.map((c) => c.bytes);
  // Warm-up long enough for the optimising compiler to settle (the first seconds run slower).
  runFor(conversion, inputs, Math.min(5, seconds * 2));
  const ccdRuns = [];
  for (let r = 0; r < runs; r++) ccdRuns.push(runFor(conversion, inputs, seconds));
  log(`  typical CCDs: ${ccdRuns.map((x) => x.toFixed(0)).join(', ')} docs/s`);

  const sample = readFileSync(join(fixtures, R21_SAMPLE));
  const msRuns = [];
  for (let r = 0; r < runs; r++) msRuns.push(millisPerDocument(conversion, sample, seconds));
  log(`  ${R21_SAMPLE} (${(sample.length / 1024).toFixed(0)} KB): ${msRuns.map((x) => x.toFixed(2)).join(', ')} ms (median per run)`);

  const big = memoryOfBigDocument(sample);
  log(`  ${(big.sizeBytes / 2 ** 20).toFixed(1)} MB document: peak RSS +${(big.peakRssDeltaBytes / 2 ** 20).toFixed(0)} MB (${big.ratio.toFixed(1)}× its size), ${big.seconds.toFixed(1)} s, ${big.resources} resources${big.ok ? '' : ' — DID NOT CONVERT'}`);
  return {
    ccdFiles: TYPICAL_CCDS,
    ccdBytes: ccds.map((c) => c.bytes.length),
    ccdPerSecond: ccdRuns,
    sampleFile: R21_SAMPLE,
    sampleBytes: sample.length,
    sampleMillis: msRuns,
    big,
    failures,
  };
}

/**
 * Converts the inputs round-robin for `seconds`; returns documents per second.
 * @param {{ convert(raw: Uint8Array): { ok: boolean } }} conversion
 * @param {Buffer[]} inputs
 * @param {number} seconds
 */
function runFor(conversion, inputs, seconds) {
  const started = performance.now();
  const until = started + seconds * 1000;
  let count = 0;
  let sink = 0;
  let now = started;
  while (now < until) {
    for (let i = 0; i < 4; i++) {
      sink += conversion.convert(/** @type {Buffer} */ (inputs[count % inputs.length])).ok ? 1 : 0;
      count++;
    }
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  return count / ((now - started) / 1000);
}

/**
 * The median time of one conversion of `bytes`, over as many as fit in `seconds` (after a warm-up).
 * @param {{ convert(raw: Uint8Array): { ok: boolean } }} conversion
 * @param {Buffer} bytes
 * @param {number} seconds
 */
function millisPerDocument(conversion, bytes, seconds) {
  for (let i = 0; i < 20; i++) conversion.convert(bytes);
  const times = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || times.length < 20) {
    const t = performance.now();
    conversion.convert(bytes);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return /** @type {number} */ (times[Math.floor(times.length / 2)]);
}

/**
 * A document of about `targetBytes`: the sample with its results section's entries and
 * narrative rows repeated. Each copy gets ids of its own (an `-<n>` suffix on every id's
 * extension), so the converter makes new resources rather than folding repeats into one.
 * @param {string} sample
 * @param {number} targetBytes
 */
export function bigDocument(sample, targetBytes) {
  const at = sample.indexOf(`root="${RESULTS_SECTION}"`);
  const start = sample.lastIndexOf('<section', at);
  const end = sample.indexOf('</section>', at);
  if (at < 0 || start < 0 || end < 0) throw new Error('no results section in the sample');
  const section = sample.slice(start, end);
  const entries = section.match(/<entry\b[\s\S]*?<\/entry>/g) ?? [];
  const rows = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? '';
  if (entries.length === 0) throw new Error('no result entries in the sample');
  const unit = entries.join('\n');
  const copies = Math.ceil((targetBytes - sample.length) / (unit.length + rows.length));
  const moreEntries = [];
  const moreRows = [];
  for (let n = 1; n <= copies; n++) {
    moreEntries.push(unit.replace(/<id\b([^>]*?)\/>/g, (_m, attrs) => (/extension="/.test(attrs) ? `<id${attrs.replace(/extension="([^"]*)"/, `extension="$1-${n}"`)}/>` : `<id${attrs} extension="${n}"/>`)));
    moreRows.push(rows);
  }
  const bigSection = section.replace('</tbody>', `${moreRows.join('')}</tbody>`) + moreEntries.join('\n');
  return sample.slice(0, start) + bigSection + sample.slice(end);
}

/**
 * Peak memory of one conversion of the 20 MB document, in a fresh child process: RSS before
 * the file is read vs the process's peak RSS after the conversion (an upper bound of what the
 * conversion needed, the input bytes included).
 * @param {Buffer} sample
 */
function memoryOfBigDocument(sample) {
  const dir = mkdtempSync(join(tmpdir(), 'hie-cda-bench-'));
  try {
    const file = join(dir, 'big.ccda');
    writeFileSync(file, bigDocument(sample.toString('utf8'), BIG_BYTES));
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child', file], {
      cwd: repoRoot,
      env: process.env,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`memory child failed (${child.status}): ${child.stderr.slice(-2000)}`);
    return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: load everything, settle, then read and convert the document once. */
async function memoryChild(/** @type {string} */ file) {
  const conversion = await openConversion();
  conversion.convert(readFileSync(join(fixtures, 'CCD.ccda'))); // loads lazily built validators
  const gc = /** @type {() => void} */ (globalThis.gc);
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const bytes = readFileSync(file);
  const attempt = conversion.convert(bytes);
  const seconds = (performance.now() - started) / 1000;
  const after = process.memoryUsage();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const resources = attempt.ok ? (attempt.document.entry ?? []).length : 0;
  const result = {
    sizeBytes: bytes.length,
    ok: attempt.ok,
    resources,
    seconds,
    rssBeforeBytes: before.rss,
    peakRssBytes: peakRss,
    peakRssDeltaBytes: peakRss - before.rss,
    heapRetainedDeltaBytes: after.heapUsed - before.heapUsed,
    ratio: (peakRss - before.rss) / bytes.length,
    failure: attempt.ok ? undefined : attempt.outcome.issue.slice(0, 3),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--memory-child') await memoryChild(/** @type {string} */ (process.argv[3]));
  else console.log(JSON.stringify(await benchCda({ runs: 3, seconds: 2, log: console.log }), null, 2));
}

// @ts-check
/**
 * Conversion on one thread: raw HL7 v2 bytes → parse → map → validate, with the pipeline's own
 * Hl7Conversion from the built dist (what the worker runs), over the corpus fixtures.
 */
import { join } from 'node:path';
import { listFixtures, messageType, readFixture, SUPPORTED } from './lib/hl7-templates.js';
import { importLib } from './lib/libs.js';
import { repoRoot } from './lib/paths.js';

/**
 * @param {{ runs: number, seconds: number }} options
 * @returns {Promise<{ type: string, files: string[], runs: number[], failures: string[], microsPerMessage: number[] }[]>}
 */
export async function benchConversion({ runs, seconds }) {
  const pipeline = await importLib('pipeline');
  const fhir = await importLib('fhir');
  const mappings = await pipeline.loadMappings(join(repoRoot, 'mappings'));
  const conversion = new pipeline.Hl7Conversion(mappings, fhir.createR4Validator(), { idSecret: 'bench-id-secret' });

  const all = listFixtures(SUPPORTED).map((file) => ({ file, text: readFixture(file) }));
  const results = [];
  for (const type of ['ADT^A01', 'ORU^R01']) {
    const chosen = all.filter((m) => messageType(m.text) === type);
    if (chosen.length === 0) throw new Error(`no ${type} fixtures in fixtures/hl7v2`);
    // Bytes, as the worker reads them from the message store.
    const inputs = chosen.map((m) => Buffer.from(m.text, 'utf8'));
    const failures = [];
    for (const [i, input] of inputs.entries()) {
      const attempt = conversion.convert(input);
      if (!attempt.ok) failures.push(`${chosen[i]?.file}: ${attempt.outcome.issue.map((/** @type {{code:string, diagnostics?:string, expression?:string[]}} */ x) => `${x.code} ${x.expression?.join(',') ?? ''} ${x.diagnostics ?? ''}`).slice(0, 3).join('; ')}`);
    }
    // Warm-up: let the JIT settle before timing.
    runFor(conversion, inputs, Math.min(1, seconds));
    const perRun = [];
    for (let r = 0; r < runs; r++) perRun.push(runFor(conversion, inputs, seconds));
    results.push({
      type,
      files: chosen.map((m) => m.file),
      runs: perRun,
      failures,
      microsPerMessage: perRun.map((rate) => 1e6 / rate),
    });
  }
  return results;
}

/**
 * Converts the inputs round-robin for `seconds`; returns messages per second.
 * @param {{ convert(raw: Uint8Array): { ok: boolean } }} conversion
 * @param {Buffer[]} inputs
 * @param {number} seconds
 */
function runFor(conversion, inputs, seconds) {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  let sink = 0;
  const started = performance.now();
  let now = started;
  while (now < until) {
    // Check the clock every few conversions, not on each one.
    for (let i = 0; i < 16; i++) {
      const attempt = conversion.convert(/** @type {Buffer} */ (inputs[count % inputs.length]));
      sink += attempt.ok ? 1 : 0;
      count++;
    }
    now = performance.now();
  }
  if (sink < 0) console.log(sink);
  return count / ((now - started) / 1000);
}

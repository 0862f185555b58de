/**
 * CPU cost of planning one commit (decode, no-op comparison, versions, JSON, search index),
 * without a database: the part of `commit` that runs in the engine's process.
 * Run: `npx vitest run --config libs/store/bench/vitest.config.ts libs/store/bench/commit-plan`.
 */
import { it } from 'vitest';
import { uuidv7 } from '@hie/common';
import type { ConversionOutcome } from '../src/conversion.model.js';
import { keysToRead, planConversion, prepareOutcomes } from '../src/fhir-store/conversion.planner.js';
import type { CurrentVersion } from '../src/fhir-store/conversion.planner.js';
import { entries } from './bench-workload.js';

it('plans batches of 100 messages x 15 resources (4 shared, already stored)', () => {
  let counter = 0;
  const batch = (): ConversionOutcome[] =>
    Array.from({ length: 100 }, () => ({ messageId: uuidv7(), kind: 'converted', bundle: { resourceType: 'Bundle', type: 'transaction', entry: entries(counter++) } }));
  // The shared resources as stored: the plan of a first batch, at version 1.
  const first = prepareOutcomes(batch());
  const seed = planConversion(first, new Set(first.map((p) => p.outcome.messageId)), new Map(), new Date());
  const stored = new Map<string, CurrentVersion>(seed.current.filter((r) => !/^(Patient|Encounter|DiagnosticReport|Observation)\//.test(`${r.type}/`)).map((r) => [`${r.type}/${r.id}`, { versionId: 1, content: r.content }]));
  let ms = 0;
  let cpuMs = 0;
  let written = 0;
  const rounds = 200;
  for (let i = 0; i < 50; i++) planConversion(prepareOutcomes(batch()), new Set(), new Map(), new Date()); // warm-up
  for (let i = 0; i < rounds; i++) {
    const outcomes = batch();
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    const prepared = prepareOutcomes(outcomes);
    const ids = new Set(outcomes.map((o) => o.messageId));
    const keys = keysToRead(prepared, ids);
    const current = new Map([...stored].filter(([k]) => keys.includes(k)));
    written += planConversion(prepared, ids, current, new Date(), keys).history.length;
    ms += performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    cpuMs += (cpu.user + cpu.system) / 1000;
  }
  console.log(
    `plan: ${(ms / rounds).toFixed(2)} ms wall, ${(cpuMs / rounds).toFixed(2)} ms CPU (GC threads included) per batch of 100 messages; ` +
      `${written / rounds} versions written per batch`,
  );
});

#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: runs each benchmark several times, prints the figures, and REWRITES
 * BENCHMARKS.md with medians, min/max, runs, the issue's targets and pass/fail.
 *
 * Settings (env): BENCH_QUICK=1 (short runs), BENCH_SECONDS (end-to-end measuring time, default
 * 60, quick 10), BENCH_RUNS (end-to-end runs, default 3, quick 1), BENCH_CONNECTIONS (20),
 * BENCH_WINDOW (unanswered messages per connection, default 1), BENCH_TOPOLOGY (split = intake
 * and worker processes, all = one process), BENCH_ONLY (conversion | e2e).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { benchConversion } from './conversion.bench.js';
import { benchEndToEnd } from './e2e.bench.js';
import { engineMain, repoRoot } from './lib/paths.js';
import { summarise } from './lib/stats.js';

const quick = process.env.BENCH_QUICK === '1';
const settings = {
  conversionRuns: quick ? 3 : 5,
  conversionSeconds: quick ? 1 : 3,
  e2eRuns: intEnv('BENCH_RUNS', quick ? 1 : 3),
  e2eSeconds: intEnv('BENCH_SECONDS', quick ? 10 : 60),
  warmupSeconds: quick ? 2 : 5,
  connections: intEnv('BENCH_CONNECTIONS', 20),
  window: intEnv('BENCH_WINDOW', 1),
  topology: /** @type {'split'|'all'} */ (process.env.BENCH_TOPOLOGY === 'all' ? 'all' : 'split'),
  only: process.env.BENCH_ONLY ?? '',
};

/** @param {string} name @param {number} fallback */
function intEnv(name, fallback) {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const log = (/** @type {string} */ line) => console.log(line);

if (!existsSync(engineMain)) {
  log('dist/ is missing: npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** @type {{ group: string, figure: string, unit: string, runs: number[], target: string, pass: (median: number) => boolean, note?: string, digits?: number }[]} */
const rows = [];
/** @type {string[]} */
const notes = [];
const startedAt = new Date();
// Other work on the machine skews every figure: record the load before and after.
const loadAtStart = loadavg()[0] ?? 0;

if (settings.only !== 'e2e') {
  log(`conversion, one thread: ${settings.conversionRuns} runs x ${settings.conversionSeconds}s per message type`);
  const conversion = await benchConversion({ runs: settings.conversionRuns, seconds: settings.conversionSeconds });
  for (const r of conversion) {
    const target = r.type === 'ADT^A01' ? 2000 : 1000;
    const s = summarise(r.runs);
    log(`  ${r.type}: median ${s.median.toFixed(0)} msg/s (${(1e6 / s.median).toFixed(0)} µs/msg) over ${r.files.length} corpus messages; failures ${r.failures.length}`);
    for (const f of r.failures) log(`    FAILED ${f}`);
    rows.push({
      group: 'Conversion, one thread (parse + map + validate)',
      figure: `${r.type} msgs/s`,
      unit: 'msg/s',
      runs: r.runs,
      target: `≥ ${target}`,
      pass: (m) => m >= target && r.failures.length === 0,
      note: `${r.files.length} corpus messages (${r.files.join(', ')}); ${r.failures.length} did not convert`,
      digits: 0,
    });
    if (r.failures.length > 0) notes.push(`${r.type} messages that did not convert (they still count in the rate; fail until fixed): ${r.failures.join(' | ')}`);
  }
}

if (settings.only !== 'conversion') {
  log(`end to end on PostgreSQL + Redis: ${settings.e2eRuns} run(s) x ${settings.e2eSeconds}s, ${settings.connections} connections, topology ${settings.topology}`);
  /** @type {Awaited<ReturnType<typeof benchEndToEnd>>[]} */
  const e2e = [];
  for (let i = 0; i < settings.e2eRuns; i++) {
    log(` run ${i + 1}/${settings.e2eRuns}`);
    e2e.push(
      await benchEndToEnd({
        seconds: settings.e2eSeconds,
        warmupSeconds: settings.warmupSeconds,
        connections: settings.connections,
        window: settings.window,
        topology: settings.topology,
        log,
      }),
    );
  }
  const group = `End to end, PostgreSQL + Redis, ${settings.connections} MLLP connections, ${settings.e2eSeconds} s`;
  const nonAA = e2e.reduce((n, r) => n + r.rejectedTotal, 0);
  rows.push({ group, figure: 'sustained ACKed msgs/s', unit: 'msg/s', runs: e2e.map((r) => r.ackedPerSecond), target: '≥ 1000', pass: (m) => m >= 1000 && nonAA === 0, digits: 0, note: `non-AA ACKs: ${nonAA}` });
  rows.push({ group, figure: 'ACK latency p50', unit: 'ms', runs: e2e.map((r) => r.p50), target: '', pass: () => true, digits: 1 });
  rows.push({ group, figure: 'ACK latency p95', unit: 'ms', runs: e2e.map((r) => r.p95), target: '', pass: () => true, digits: 1 });
  rows.push({ group, figure: 'ACK latency p99', unit: 'ms', runs: e2e.map((r) => r.p99), target: '< 50', pass: (m) => m < 50, digits: 1 });
  rows.push({ group, figure: 'ACK latency max', unit: 'ms', runs: e2e.map((r) => r.max), target: '', pass: () => true, digits: 1 });
  rows.push({
    group,
    figure: 'converted msgs/s (during the window)',
    unit: 'msg/s',
    runs: e2e.map((r) => r.convertedPerSecond),
    target: '≈ ACKed/s (keeps up)',
    pass: (m) => m >= 0.95 * Math.min(...e2e.map((r) => r.ackedPerSecond)),
    digits: 0,
    note: `processed (converted + failed) msgs/s: ${e2e.map((r) => r.processedPerSecond.toFixed(0)).join(', ')}`,
  });
  rows.push({ group, figure: 'backlog when sending stopped', unit: 'messages', runs: e2e.map((r) => r.backlogAtStop), target: '', pass: () => true, digits: 0 });
  rows.push({ group, figure: 'drain time after sending stopped', unit: 's', runs: e2e.map((r) => r.drainSeconds), target: '', pass: () => e2e.every((r) => r.drained), digits: 1, note: e2e.every((r) => r.drained) ? 'backlog fully drained' : 'backlog NOT drained within 10 min' });
  for (const [i, r] of e2e.entries()) {
    notes.push(`End-to-end run ${i + 1}: ${r.ackedTotal} AA, ${r.rejectedTotal} other ACKs, final counts ${JSON.stringify(r.finalCounts)}; converted over time (s: converted/received) ${r.samples.map((s) => `${s.t.toFixed(0)}: ${s.converted}/${s.received}`).join(', ')}`);
    for (const sample of r.rejectSamples) notes.push(`Non-AA ACK sample: \`${sample.replace(/\n/g, ' ⏎ ')}\``);
  }
}

writeReport();

function writeReport() {
  const cpu = cpus();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`node bench/run.js`); every run rewrites this file. Figures are what was measured on the machine below,',
    'medians over runs. Targets are issue 2\'s.',
    '',
    `- Command: \`${commandLine()}\``,
    `- Date: ${startedAt.toISOString()}`,
    `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}`,
    `- Node ${process.version}; PostgreSQL and Redis on the same machine (127.0.0.1); the load generator runs on the same cores as the engine.`,
    `- Settings: ${JSON.stringify(settings)}`,
    `- Load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${(loadavg()[0] ?? 0).toFixed(2)}${Math.max(loadAtStart, loadavg()[0] ?? 0) > cpu.length * 0.5 ? ` — **the machine was busy with other work during this run (load above half the ${cpu.length} cores): figures are lower than on an idle machine**` : ''}`,
    '',
    '| benchmark | figure | median | min | max | runs | target | result |',
    '|---|---|---:|---:|---:|---:|---|---|',
  ];
  for (const row of rows) {
    const s = summarise(row.runs);
    const d = row.digits ?? 1;
    const verdict = row.target ? (row.pass(s.median) ? 'pass' : '**FAIL**') : '';
    lines.push(`| ${row.group} | ${row.figure} (${row.unit}) | ${s.median.toFixed(d)} | ${s.min.toFixed(d)} | ${s.max.toFixed(d)} | ${s.runs} | ${row.target} | ${verdict} |`);
  }
  const rowNotes = rows.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  lines.push('', '## How it was measured', '');
  lines.push(
    '- Conversion: the pipeline\'s `Hl7Conversion` from the built `dist/` (what the worker runs): raw bytes → parse → map → validate (FHIR R4) per message, round-robin over the corpus messages of that type in `fixtures/hl7v2/`, one thread, after a warm-up.',
    `- End to end: a fresh PostgreSQL database and Redis prefix per run; the built engine as child process(es) (${settings.topology === 'split' ? 'one intake process and one worker process' : 'one process, role all'}); ${settings.connections} MLLP connections, each keeping ${settings.window} message(s) unanswered (send, wait for the ACK, send the next), corpus messages of every supported family round-robin, each with its own MSH-10, patient (PID-3), visit (PV1-19) and order, specimen, diagnosis and procedure identifiers (ORC-2/3, OBR-2/3, SPM-2, DG1-20, PR1-19). Warm-up excluded. Latency: send → ACK received, per message. Converted/s: from \`/health\` counts at the start and end of the window. Drain: from the end of sending until no message is \`received\`.`,
  );
  if (rowNotes.length > 0 || notes.length > 0) lines.push('', '## Notes', '', ...rowNotes, ...notes.map((n) => `- ${n}`));
  lines.push('');
  writeFileSync(join(repoRoot, 'BENCHMARKS.md'), lines.join('\n'));
  log(`wrote ${join(repoRoot, 'BENCHMARKS.md')}`);
}

function commandLine() {
  const vars = ['BENCH_QUICK', 'BENCH_SECONDS', 'BENCH_RUNS', 'BENCH_CONNECTIONS', 'BENCH_WINDOW', 'BENCH_TOPOLOGY', 'BENCH_ONLY']
    .filter((v) => process.env[v])
    .map((v) => `${v}=${process.env[v]}`);
  return [...vars, 'npm run bench'].join(' ');
}

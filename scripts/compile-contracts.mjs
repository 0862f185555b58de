#!/usr/bin/env node
/**
 * Compiles libs/ledger/contracts/HieLedger.sol with the solc-js compiler bundled in the `solc`
 * package (no compiler download, works offline) and writes
 * libs/ledger/src/generated/hie-ledger.contract.json = { abi, bytecode, compiler, contractName }.
 *
 * The artifact is committed: the engine deploys and talks to the contract without solc at run
 * time (solc is a dev dependency). Output is deterministic (sorted keys, 2-space JSON, final
 * newline), so the ledger lib's spec re-runs this with `--stdout` and asserts byte equality with
 * the committed file: a contract edited without regenerating fails the tests.
 *
 * Settings and why:
 * - optimizer on, runs 10000: the contract is deployed once and called once per batch forever,
 *   so runtime gas matters far more than deployment size.
 * - evmVersion london: no PUSH0/MCOPY, so the same bytecode runs on permissioned chains that lag
 *   behind mainnet forks (GoQuorum, older Besu) as well as on Hardhat and geth.
 *
 * Run: `node scripts/compile-contracts.mjs` (writes the file) or `--stdout` (prints it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceFile = join(root, 'libs/ledger/contracts/HieLedger.sol');
const outFile = join(root, 'libs/ledger/src/generated/hie-ledger.contract.json');
const contractName = 'HieLedger';
const settings = {
  evmVersion: 'london',
  optimizer: { enabled: true, runs: 10000 },
};

const input = {
  language: 'Solidity',
  // A fixed unit name (not an absolute path): the metadata hash in the bytecode covers it.
  sources: { 'HieLedger.sol': { content: readFileSync(sourceFile, 'utf8') } },
  settings: { ...settings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
const warnings = (output.errors ?? []).filter((e) => e.severity !== 'error');
for (const w of warnings) process.stderr.write(`${w.formattedMessage}\n`);
if (errors.length > 0) {
  for (const e of errors) process.stderr.write(`${e.formattedMessage}\n`);
  process.exit(1);
}
// Warnings fail too: a committed artifact should come from a source the compiler is happy with.
if (warnings.length > 0) process.exit(1);

const contract = output.contracts['HieLedger.sol'][contractName];
const artifact = {
  contractName,
  compiler: { version: solc.version(), ...settings },
  abi: contract.abi,
  bytecode: `0x${contract.evm.bytecode.object}`,
};

const text = `${JSON.stringify(sortKeys(artifact), null, 2)}\n`;
if (process.argv.includes('--stdout')) {
  process.stdout.write(text);
} else {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  process.stderr.write(`wrote ${outFile} (${contract.evm.bytecode.object.length / 2} bytes of init code)\n`);
}

/** Object keys sorted at every depth; array order kept (solc's ABI order is itself stable). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HIE_LEDGER_CONTRACT, hieLedgerInterface } from './hie-ledger.artifact.js';

/** PUSH0 instructions in EVM bytecode, skipping PUSH1..PUSH32 immediates and the trailing metadata. */
function countPush0(code: Buffer): number {
  const end = code.length - 2 - code.readUInt16BE(code.length - 2);
  let count = 0;
  for (let i = 0; i < end; i++) {
    const op = code[i]!;
    if (op === 0x5f) count++;
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return count;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated HieLedger artifact', () => {
  it('is exactly what scripts/compile-contracts.mjs produces from HieLedger.sol (bundled solc-js)', () => {
    const generated = execFileSync(process.execPath, ['scripts/compile-contracts.mjs', '--stdout'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const committed = readFileSync(new URL('./generated/hie-ledger.contract.json', import.meta.url));
    expect(generated.equals(committed)).toBe(true);
  });

  it('was built with the optimizer for a widely supported EVM', () => {
    expect(HIE_LEDGER_CONTRACT.contractName).toBe('HieLedger');
    expect(HIE_LEDGER_CONTRACT.compiler).toMatchObject({ evmVersion: 'london', optimizer: { enabled: true } });
    expect(HIE_LEDGER_CONTRACT.compiler.version).toMatch(/^0\.8\.\d+\+commit\./);
    expect(HIE_LEDGER_CONTRACT.bytecode).toMatch(/^0x(?:[0-9a-f]{2})+$/);
    // PUSH0 (0x5f) is Shanghai+: absent from code compiled for london. Counted on the opcode
    // stream (init code, then runtime code), not the hex, so data bytes equal to 0x5f do not
    // count; the CBOR metadata at the end (its length in the last two bytes) is data too.
    expect(countPush0(Buffer.from(HIE_LEDGER_CONTRACT.bytecode.slice(2), 'hex'))).toBe(0);
  });

  it('exposes the functions, events and errors the drivers rely on', () => {
    const signatures = (type: 'function' | 'event' | 'error'): string[] => {
      const out: string[] = [];
      hieLedgerInterface.forEachFunction((f) => type === 'function' && out.push(f.format('sighash')));
      hieLedgerInterface.forEachEvent((e) => type === 'event' && out.push(e.format('sighash')));
      hieLedgerInterface.forEachError((e) => type === 'error' && out.push(e.format('sighash')));
      return out.sort();
    };
    expect(signatures('function')).toEqual(
      [
        'anchor(bytes32,bytes32,uint32)',
        'batches(bytes32)',
        'consents(bytes32)',
        'erasures(bytes32)',
        'owner()',
        'recordConsent(bytes32,bytes32,bytes32,bytes32,uint64,uint64,uint8)',
        'recordErasure(bytes32,bytes32)',
        'setWriter(address,bool)',
        'transferOwnership(address)',
        'writers(address)',
      ].sort(),
    );
    expect(signatures('event')).toEqual(
      [
        'BatchAnchored(bytes32,bytes32,uint32)',
        'ConsentRecorded(bytes32,bytes32,bytes32,bytes32,uint64,uint64,uint8)',
        'ErasureRecorded(bytes32,bytes32)',
        'OwnershipTransferred(address,address)',
        'WriterSet(address,bool)',
      ].sort(),
    );
    expect(signatures('error')).toEqual(
      ['BatchExists(bytes32)', 'ConsentMismatch(bytes32)', 'ErasureExists(bytes32)', 'InvalidStatus(uint8)', 'NotOwner()', 'NotWriter()', 'ZeroValue()'].sort(),
    );
    expect(hieLedgerInterface.getEvent('BatchAnchored')!.inputs[0]!.indexed).toBe(true);
    expect(hieLedgerInterface.getFunction('batches')!.outputs.map((o) => `${o.type} ${o.name}`)).toEqual([
      'bytes32 root',
      'uint32 leafCount',
      'uint48 blockNumber',
      'uint48 timestamp',
    ]);
  });
});

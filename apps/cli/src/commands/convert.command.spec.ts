import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ADT = [
  'MSH|^~\\&|ADTApp|GHHSFacility|EHRApp|GHHRFacility|20240101120000+0000||ADT^A01^ADT_A01|CLI-1|P|2.5.1',
  'EVN|A01|20240101120000+0000',
  'PID|1||CLIPAT1^^^GHH^MR||Everyman^Adam^A||19800101|M',
  'PV1|1|I|2000^2012^01',
].join('\r');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'hie', ...args], {
    packageRoot: repoRoot,
    stdout: { write: (t: string) => (out += t) },
    stderr: { isTTY: false, write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

describe('hie convert', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-'));
    writeFileSync(join(dir, 'adt.hl7'), ADT);
    writeFileSync(join(dir, 'two.hl7'), `${ADT}\n\n${ADT.replace('CLI-1', 'CLI-2')}`);
    writeFileSync(join(dir, 'siu.hl7'), ADT.replace('ADT^A01^ADT_A01', 'SIU^S12^SIU_S12'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the transaction Bundle of one message', async () => {
    const { code, out } = await run('convert', join(dir, 'adt.hl7'));
    expect(code).toBe(0);
    const bundle = JSON.parse(out) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    expect(bundle.entry.map((e) => e.resource.resourceType)).toContain('Patient');
  });

  it('prints one Bundle per message for a file holding several', async () => {
    const { code, out } = await run('convert', join(dir, 'two.hl7'));
    expect(code).toBe(0);
    expect((JSON.parse(out) as unknown[]).length).toBe(2);
  });

  it('exits 1 with the OperationOutcome when the message does not convert', async () => {
    const { code, out } = await run('convert', join(dir, 'siu.hl7'));
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('exits non-zero with a message for a missing file or a missing argument', async () => {
    const missing = await run('convert', join(dir, 'nope.hl7'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('hie:');
    expect((await run('convert')).code).not.toBe(0);
  });
});

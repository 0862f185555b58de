import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runHie } from '../support/run-hie.spec-helpers.js';

const ADT = [
  'MSH|^~\\&|ADTApp|GHHSFacility|EHRApp|GHHRFacility|20240101120000+0000||ADT^A01^ADT_A01|CLI-1|P|2.5.1',
  'EVN|A01|20240101120000+0000',
  'PID|1||CLIPAT1^^^GHH^MR||Everyman^Adam^A||19800101|M',
  'PV1|1|I|2000^2012^01',
].join('\r');

const run = runHie;

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

  it('prints the FHIR document Bundle of a CDA document (.ccda, .xml, .cda)', async () => {
    const { code, out } = await run('convert', join(repoRoot, 'fixtures/cda/CCD.ccda'));
    expect(code).toBe(0);
    const bundle = JSON.parse(out) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry[0]!.resource.resourceType).toBe('Composition');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(expect.arrayContaining(['Patient', 'DocumentReference']));
  });

  it('converts an MDM^T02 carrying a base64 CDA (.hl7) to the document Bundle, as the engine does', async () => {
    const doc = readFileSync(join(repoRoot, 'fixtures/cda/sample.ccda')).toString('base64');
    const mdm = [
      'MSH|^~\\&|DOC|FAC|HIE|HIE|20240101120000+0000||MDM^T02^MDM_T02|CLI-MDM|P|2.5.1',
      'EVN|T02|20240101120000+0000',
      'PID|1||CLIPAT9^^^GHH^MR||Doe^Jane||19800101|F',
      'TXA|1|DS|TX',
      `OBX|1|ED|X^X||^text^xml^Base64^${doc}||||||F`,
    ].join('\r');
    writeFileSync(join(dir, 'mdm.hl7'), mdm);
    const { code, out } = await run('convert', join(dir, 'mdm.hl7'));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ resourceType: 'Bundle', type: 'document' });
  });

  it('exits 1 with the OperationOutcome for a hostile or non-CDA XML file', async () => {
    writeFileSync(join(dir, 'xxe.xml'), '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3">&x;</ClinicalDocument>');
    writeFileSync(join(dir, 'other.cda'), '<html/>');
    const xxe = await run('convert', join(dir, 'xxe.xml'));
    expect(xxe.code).toBe(1);
    expect(JSON.parse(xxe.out)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ code: 'XML_DOCTYPE_REFUSED' }] } }] });
    expect(xxe.out).not.toMatch(/root:/);
    const other = await run('convert', join(dir, 'other.cda'));
    expect(other.code).toBe(1);
    expect(other.out).toContain('CDA_NOT_CLINICAL_DOCUMENT');
  });

  it('exits non-zero with a message for a missing file or a missing argument', async () => {
    const missing = await run('convert', join(dir, 'nope.hl7'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('hie:');
    expect((await run('convert')).code).not.toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { Bundle } from '@hie/fhir';
import { ConversionWorker } from './conversion.worker.js';
import type { ConversionAttempt } from './hl7-conversion.js';
import type { ConversionOutcomeRecord, StoredRecord } from './pipeline.ports.js';

const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };

function stored(id: string, status: StoredRecord['status'], raw = 'GOOD', format: StoredRecord['format'] = 'hl7v2'): StoredRecord {
  return { id, status, raw: Buffer.from(raw), receivedAt: new Date(0), format };
}

function setup(rows: StoredRecord[], commitError?: Error, next?: { enqueue(ids: readonly string[]): Promise<void> }) {
  const commits: ConversionOutcomeRecord[][] = [];
  const converted: string[] = [];
  const formats: (string | undefined)[] = [];
  const worker = new ConversionWorker(
    { getMany: async (ids) => rows.filter((r) => ids.includes(r.id)) },
    {
      commit: async (outcomes) => {
        if (commitError) throw commitError;
        commits.push([...outcomes]);
        return new Map(outcomes.map((o) => [o.messageId, o.messageId === 'raced' ? 'skipped' : 'applied'] as const));
      },
    },
    {
      convert: (raw, context): ConversionAttempt => {
        converted.push(context?.messageId ?? '');
        formats.push(context?.format);
        return raw.toString() === 'GOOD'
          ? { ok: true, bundle, issues: [] }
          : { ok: false, outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure' }] } };
      },
    },
    undefined,
    next,
  );
  return { worker, commits, converted, formats };
}

describe('ConversionWorker', () => {
  it('converts only received messages and commits every outcome in one call', async () => {
    const { worker, commits, converted } = setup([stored('a', 'received'), stored('b', 'converted'), stored('c', 'received', 'BAD'), stored('d', 'failed')]);
    const result = await worker.handle(['a', 'b', 'c', 'd', 'missing']);
    expect(converted).toEqual(['a', 'c']);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.map((o) => [o.messageId, o.kind])).toEqual([['a', 'converted'], ['c', 'failed']]);
    expect(result).toEqual({ converted: 1, failed: 1, skipped: 3 });
  });

  it('hands each message its stored format, so the converter can dispatch (HL7 v2 or CDA)', async () => {
    const { worker, formats } = setup([stored('v2', 'received'), stored('doc', 'received', 'GOOD', 'cda')]);
    await worker.handle(['v2', 'doc']);
    expect(formats).toEqual(['hl7v2', 'cda']);
  });

  it('records outcomes converted elsewhere (sync intake) like a job, and hands the converted ones on', async () => {
    const queued: string[][] = [];
    const { worker, commits } = setup([], undefined, { enqueue: async (ids) => void queued.push([...ids]) });
    const failure = { resourceType: 'OperationOutcome' as const, issue: [] };
    const result = await worker.record([
      { messageId: 'a', kind: 'converted', bundle },
      { messageId: 'b', kind: 'failed', outcome: failure },
    ]);
    expect(result).toEqual({ converted: 1, failed: 1, skipped: 0 });
    expect(commits[0]!.map((o) => o.messageId)).toEqual(['a', 'b']);
    expect(queued).toEqual([['a']]);
  });

  it('counts outcomes the store skipped (another delivery got there first) as skipped', async () => {
    const { worker } = setup([stored('raced', 'received'), stored('x', 'received')]);
    expect(await worker.handle(['raced', 'x'])).toEqual({ converted: 1, failed: 0, skipped: 1 });
  });

  it('does not touch the store when nothing is left to convert', async () => {
    const { worker, commits } = setup([stored('a', 'converted')]);
    await worker.handle(['a']);
    expect(commits).toEqual([]);
  });

  it('rejects on a store failure so the queue retries the job', async () => {
    const { worker } = setup([stored('a', 'received')], new Error('deadlock'));
    await expect(worker.handle(['a'])).rejects.toThrow('deadlock');
  });
});

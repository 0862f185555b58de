import { describe, expect, it } from 'vitest';
import type { Bundle } from '@hie/fhir';
import { ConversionWorker } from './conversion.worker.js';
import type { ConversionAttempt } from './hl7-conversion.js';
import type { ConversionOutcomeRecord, StoredRecord } from './pipeline.ports.js';

const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };

function stored(id: string, status: StoredRecord['status'], raw = 'GOOD'): StoredRecord {
  return { id, status, raw: Buffer.from(raw), receivedAt: new Date(0) };
}

function setup(rows: StoredRecord[], commitError?: Error) {
  const commits: ConversionOutcomeRecord[][] = [];
  const converted: string[] = [];
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
        return raw.toString() === 'GOOD'
          ? { ok: true, bundle, issues: [] }
          : { ok: false, outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure' }] } };
      },
    },
  );
  return { worker, commits, converted };
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

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDataKey, sealEnvelopeStream } from '@hie/crypto';
import type { DicomInstanceRow } from '@hie/store';
import { recordAad } from '../protect/protection.worker.js';
import { DicomRetrieveService, type DicomRetrievePorts } from './dicom-retrieve.service.js';

const KEY_ID = '0190a0a0-0000-7000-8000-00000000000a';

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** One sealed instance in a map standing in for the content store (the store itself is tested in libs/storage). */
async function setup(plaintext: Buffer, options: { destroyed?: boolean; tamper?: boolean; maxDeidentifyBytes?: number } = {}) {
  const key = generateDataKey();
  const row: DicomInstanceRow = {
    sopInstanceUid: '1.2.3.4.5', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopClassUid: '1.2', transferSyntaxUid: '1.2.840.10008.1.2.1',
    recordId: 'dcm-rec', versionId: 2, messageId: 'm', cid: 'bafy-instance', sizeBytes: 0, plaintextBytes: plaintext.length,
    contentHash: 'h', dataKeyId: KEY_ID, metadata: '{"00080018":{"vr":"UI","Value":["1.2.3.4.5"]}}', storedAt: new Date(0),
  };
  const sealed = await collect(sealEnvelopeStream({ keyId: KEY_ID, key, aad: recordAad({ type: 'DicomInstance', id: row.recordId, versionId: row.versionId }), segmentSize: 4096 }, once(plaintext)));
  if (options.tamper) sealed[sealed.length - 100]! ^= 1;
  const deidentified: Uint8Array[] = [];
  const ports: DicomRetrievePorts = {
    index: { instancesUnder: async (t) => (t.study === row.studyInstanceUid && (t.series ?? row.seriesInstanceUid) === row.seriesInstanceUid && (t.sop ?? row.sopInstanceUid) === row.sopInstanceUid ? [row] : []) },
    contents: { get: (cid) => (cid === row.cid ? once(sealed) : once(Buffer.alloc(0))) },
    keys: {
      byKeyId: async (id) => {
        if (options.destroyed || id !== KEY_ID) throw Object.assign(new Error('destroyed'), { code: 'DATA_KEY_DESTROYED' });
        return key;
      },
    },
    deidentify: (bytes, o) => {
      deidentified.push(bytes);
      return Buffer.from(`deid:${o.uidSecret}:${bytes.length}`);
    },
  };
  return { row, service: new DicomRetrieveService(ports, { uidSecret: 's3cret', maxDeidentifyBytes: options.maxDeidentifyBytes }), deidentified };
}

describe('DicomRetrieveService', () => {
  it('streams back the exact stored bytes', async () => {
    const plaintext = randomBytes(50_000);
    const { service } = await setup(plaintext);
    const [row] = await service.find({ study: '1.2.3', series: '1.2.3.4', sop: '1.2.3.4.5' });
    expect((await collect(await service.open(row!))).equals(plaintext)).toBe(true);
  });

  it('finds nothing under the wrong parents (404) and refuses malformed UIDs (400)', async () => {
    const { service } = await setup(randomBytes(10));
    await expect(service.find({ study: '9.9', series: '1.2.3.4', sop: '1.2.3.4.5' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.find({ study: '1.2.3', series: 'x' })).rejects.toMatchObject({ code: 'DICOM_QUERY_INVALID' });
    expect(await service.metadata({ study: '1.2.3' })).toEqual([{ '00080018': { vr: 'UI', Value: ['1.2.3.4.5'] } }]);
  });

  it('fails before streaming when the data key is destroyed, and mid-stream when the object was tampered with', async () => {
    const erased = await setup(randomBytes(10), { destroyed: true });
    await expect(erased.service.open(erased.row)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    const tampered = await setup(randomBytes(50_000), { tamper: true });
    await expect(collect(await tampered.service.open(tampered.row))).rejects.toMatchObject({ code: 'ENVELOPE_INVALID' });
  });

  it('de-identifies the whole decrypted instance with the uid secret, within the bound', async () => {
    const plaintext = randomBytes(9_000);
    const ok = await setup(plaintext);
    expect((await ok.service.deidentified(ok.row)).toString()).toBe('deid:s3cret:9000');
    expect(Buffer.from(ok.deidentified[0]!).equals(plaintext)).toBe(true);
    const big = await setup(plaintext, { maxDeidentifyBytes: 8_999 });
    await expect(big.service.deidentified(big.row)).rejects.toMatchObject({ code: 'DICOM_TOO_LARGE' });
  });
});

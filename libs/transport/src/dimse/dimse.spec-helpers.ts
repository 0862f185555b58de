import { readFileSync } from 'node:fs';

/** The SCU side lives with the end-to-end support (the e2e tests and benchmarks use it too). */
export { associate, cuttingRelay, echoRequest, rawStoreRequest, splitPart10, type Part10Parts, type ScuOutcome } from '../../../../test/support/dimse-scu.js';

/** Where the pydicom test files are: fixtures once copied, else the shared corpus. */
export function corpusFile(name: string): Buffer {
  for (const dir of ['fixtures/dicom/pydicom', '/work/shared/corpus/dicom/pydicom']) {
    try {
      return readFileSync(dir.startsWith('/') ? `${dir}/${name}` : new URL(`../../../../${dir}/${name}`, import.meta.url));
    } catch {
      // try the next place
    }
  }
  throw new Error(`corpus file ${name} not found`);
}

/** Reads a whole body (the fake intake's way). */
export async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { associate, rawStoreRequest, splitPart10, type DimseRequest, type ScuOutcome } from '@hie/transport';

/** The corner of dcmjs (the CommonJS instance dcmjs-dimse loads) whose logger we quiet. */
interface DcmjsLog {
  log: { getLogger(name: string): { setLevel(level: 'silent' | 'error'): void } };
}

/**
 * dcmjs (which reads the data sets' UIDs) prints "Invalid vr type xs" for every ambiguous
 * implicit-VR element: noise in an operator's terminal, never a problem of the file.
 */
function quietDcmjs(): void {
  (createRequire(import.meta.url)('dcmjs') as DcmjsLog).log.getLogger('validation.dcmjs').setLevel('silent');
}

/** Where C-STOREs go, and as whom. */
export interface CStoreTarget {
  host: string;
  port: number;
  callingAe: string;
  calledAe: string;
}

/** One file ready to send: its data set is read again from disk only when its turn comes. */
interface Prepared {
  file: string;
  request: DimseRequest;
  answered: boolean;
}

/**
 * Sends every file's data set byte for byte (its own transfer syntax, an exact presentation
 * context) over ONE association and writes one line per file: `FILE: 0xSTATUS [error comment]`.
 * Only statuses and the SCP's error comments are printed (the engine's carry no values).
 * Resolves to the number of files not stored.
 */
export async function cStoreFiles(files: readonly string[], target: CStoreTarget, out: { write(text: string): unknown }): Promise<number> {
  quietDcmjs();
  let failed = 0;
  const prepared: Prepared[] = [];
  for (const file of files) {
    const problem = await prepare(file, prepared);
    if (problem) {
      out.write(`${file}: not sent (${problem})\n`);
      failed += 1;
    }
  }
  if (prepared.length === 0) return failed;
  const byRequest = new Map(prepared.map((p) => [p.request, p]));
  const outcome = await associate(
    target.port,
    prepared.map((p) => p.request),
    {
      host: target.host,
      callingAe: target.callingAe,
      calledAe: target.calledAe,
      onResponse: (request, response) => {
        const item = byRequest.get(request);
        if (!item || item.answered) return;
        item.answered = true;
        if (!isStored(response.status)) failed += 1;
        out.write(`${item.file}: ${hex(response.status)}${response.errorComment ? ` ${response.errorComment}` : ''}\n`);
      },
    },
  );
  for (const item of prepared.filter((p) => !p.answered)) {
    out.write(`${item.file}: no response (${whyUnanswered(outcome)})\n`);
    failed += 1;
  }
  return failed;
}

/** Reads the file's meta (and its data set's UIDs); returns why it cannot be sent, if so. */
async function prepare(file: string, prepared: Prepared[]): Promise<string | undefined> {
  let parts;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
    parts = splitPart10(bytes);
  } catch (error) {
    return error instanceof Error && 'code' in error ? `cannot read: ${String(error.code)}` : 'not a DICOM Part 10 file';
  }
  if (!parts.transferSyntaxUid) return 'no transfer syntax in its file meta';
  if (!parts.sopClassUid || !parts.sopInstanceUid) return 'no SOP Class or SOP Instance UID';
  const offset = bytes.length - parts.dataset.length;
  // dcmjs-dimse asks for the bytes when it sends this request: a directory of studies is
  // never held in memory at once.
  const request = rawStoreRequest({ ...parts, dataset: () => readFileSync(file).subarray(offset) });
  prepared.push({ file, request, answered: false });
  return undefined;
}

/** Success (0x0000) and warnings (0xB000–0xBFFF, 0x0001, 0x0107, 0x0116: stored with a remark). */
export function isStored(status: number): boolean {
  return status === 0x0000 || (status & 0xf000) === 0xb000 || status === 0x0001 || status === 0x0107 || status === 0x0116;
}

function whyUnanswered(outcome: ScuOutcome): string {
  if (outcome.rejected) return `association rejected: result ${outcome.rejected.result}, source ${outcome.rejected.source}, reason ${outcome.rejected.reason}`;
  if (outcome.networkError) return `network error: ${outcome.networkError}`;
  if (!outcome.accepted) return 'no association';
  return 'no presentation context accepted for its SOP class and transfer syntax, or the association ended';
}

function hex(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}

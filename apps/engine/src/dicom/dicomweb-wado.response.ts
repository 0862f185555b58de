import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { HIE_ERROR_CODE_SYSTEM, outcomeFromError, type OperationOutcome } from '@hie/fhir';
import { parseMediaType } from '@hie/transport';

/** How a WADO-RS instance answer is rendered. */
export type WadoRendering = 'multipart' | 'single';

/**
 * Picks the rendering from the Accept header (first acceptable entry wins): `multipart/related`
 * with `type="application/dicom"` (or no type), `*\/*`, `multipart/*` or no Accept at all →
 * multipart; `application/dicom` → one bare Part 10 body (only when `single` is allowed: one
 * instance). A `transfer-syntax` other than `*` must be the stored one (nothing is transcoded).
 * undefined: nothing acceptable (406).
 */
export function negotiateWado(accept: string | undefined, storedTransferSyntaxes: ReadonlySet<string>, allowSingle: boolean): WadoRendering | undefined {
  if (accept === undefined || accept.trim().length === 0) return 'multipart';
  for (const entry of splitAccept(accept)) {
    let media;
    try {
      media = parseMediaType(entry);
    } catch {
      continue;
    }
    const syntax = media.params.get('transfer-syntax');
    const syntaxOk = syntax === undefined || syntax === '*' || (storedTransferSyntaxes.size === 1 && storedTransferSyntaxes.has(syntax));
    if (media.essence === '*/*' || media.essence === 'multipart/*') return 'multipart';
    if (media.essence === 'multipart/related') {
      const type = media.params.get('type');
      if ((type === undefined || type === 'application/dicom' || type === 'application/*' || type === '*/*') && syntaxOk) return 'multipart';
    }
    if (media.essence === 'application/dicom' && allowSingle && syntaxOk) return 'single';
  }
  return undefined;
}

/** One instance in a WADO-RS answer: its transfer syntax and its bytes. */
export interface WadoPart {
  /** Named in the part's Content-Type when known. */
  readonly transferSyntaxUid?: string;
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * Streams instances as `multipart/related; type="application/dicom"`, each part's bytes as the
 * content store and the envelope release them. The first part's first chunk is read before the
 * status is sent, so a missing object or a destroyed key still answers an error status; a
 * failure later (tampered segment) cuts the response short, which the client sees as an error.
 */
export async function sendWadoMultipart(reply: FastifyReply, parts: AsyncIterable<WadoPart>): Promise<void> {
  const boundary = randomBytes(18).toString('hex');
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstBody = first.done ? undefined : await primed(first.value.body);
  async function* render(): AsyncGenerator<Buffer> {
    let current = first;
    let body = firstBody;
    while (!current.done && body !== undefined) {
      yield Buffer.from(`--${boundary}\r\nContent-Type: ${dicomType(current.value)}\r\n\r\n`, 'latin1');
      for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      yield Buffer.from('\r\n', 'latin1');
      current = await iterator.next();
      body = current.done ? undefined : current.value.body;
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'latin1');
  }
  await reply
    .status(200)
    .header('content-type', `multipart/related; type="application/dicom"; boundary=${boundary}`)
    .send(Readable.from(render()));
}

/** Streams one instance as a bare `application/dicom` body. */
export async function sendWadoSingle(reply: FastifyReply, part: WadoPart): Promise<void> {
  const body = await primed(part.body);
  async function* render(): AsyncGenerator<Buffer> {
    for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  await reply.status(200).header('content-type', dicomType(part)).send(Readable.from(render()));
}

function dicomType(part: WadoPart): string {
  return part.transferSyntaxUid === undefined ? 'application/dicom' : `application/dicom; transfer-syntax=${part.transferSyntaxUid}`;
}

/** A DICOM JSON answer (QIDO-RS results, metadata, STOW-RS response). */
export async function sendDicomJson(reply: FastifyReply, status: number, body: unknown, warning?: string): Promise<void> {
  if (warning !== undefined) void reply.header('warning', `299 hie "${warning.replace(/["\\]/g, '')}"`);
  await reply.status(status).header('content-type', 'application/dicom+json').send(JSON.stringify(body));
}

/** An OperationOutcome with a status the exception filter does not pick (406, 410, 413, 415). */
export async function sendOutcome(reply: FastifyReply, status: number, code: string, text: string, error?: unknown): Promise<void> {
  const outcome: OperationOutcome = error !== undefined
    ? outcomeFromError(error)
    : { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 406 || status === 415 ? 'not-supported' : 'processing', details: { text, coding: [{ system: HIE_ERROR_CODE_SYSTEM, code }] } }] };
  await reply.status(status).header('content-type', 'application/fhir+json').send(JSON.stringify(outcome));
}

/** Reads a stream's first chunk now (so its errors surface before a status is sent); the result replays it. */
async function primed(body: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]: () => {
      let replayed = false;
      return {
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          if (!replayed) {
            replayed = true;
            return first;
          }
          return first.done ? first : iterator.next();
        },
        return: async (): Promise<IteratorResult<Uint8Array>> => (await iterator.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}

/** Accept entries, split on commas outside quoted strings. */
function splitAccept(accept: string): string[] {
  const entries: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < accept.length; i++) {
    const c = accept[i];
    if (c === '"' && accept[i - 1] !== '\\') quoted = !quoted;
    else if (c === ',' && !quoted) {
      entries.push(accept.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(accept.slice(start));
  return entries.map((e) => e.trim()).filter((e) => e.length > 0);
}

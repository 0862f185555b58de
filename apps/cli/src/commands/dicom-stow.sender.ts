import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HieError } from '@hie/common';

const REFERENCED_SOP_SEQUENCE = '00081199';
const FAILED_SOP_SEQUENCE = '00081198';
const FAILURE_REASON = '00081197';
const WARNING_REASON = '00081196';
/** The answer is a small DICOM JSON data set; anything larger is not one. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * STOW-RS (PS3.18 10.5): one `multipart/related; type="application/dicom"` request per file,
 * the file streamed from disk (never read whole), and one line per instance of the answer:
 * `FILE: stored` or `FILE: failed 0xREASON`. Resolves to the number of files not stored.
 */
export async function stowFiles(files: readonly string[], url: string, out: { write(text: string): unknown }): Promise<number> {
  const target = stowUrl(url);
  let failed = 0;
  for (const file of files) {
    const lines = await stowOne(file, target);
    if (lines.some((l) => !l.stored)) failed += 1;
    for (const line of lines) out.write(`${file}: ${line.text}\n`);
  }
  return failed;
}

function stowUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HieError('CLI_BAD_URL', '--stow must be an http(s) URL such as http://127.0.0.1:8080/dicomweb/studies');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new HieError('CLI_BAD_URL', '--stow must use http or https');
  return parsed;
}

interface Line {
  stored: boolean;
  text: string;
}

async function stowOne(file: string, url: URL): Promise<Line[]> {
  const size = (await stat(file)).size;
  const boundary = `hie-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const response = await post(url, {
    'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    'content-length': String(head.length + size + tail.length),
    accept: 'application/dicom+json, application/json',
  }, async (write) => {
    await write(head);
    for await (const chunk of createReadStream(file)) await write(chunk as Buffer);
    await write(tail);
  });
  return linesOf(response.status, response.body);
}

/** PS3.18 answers 200 (all stored), 202 (some failed), 409 (none stored) with the response data set. */
function linesOf(status: number, body: string): Line[] {
  let dataset: unknown;
  try {
    dataset = JSON.parse(body);
  } catch {
    dataset = undefined;
  }
  if (!isObject(dataset) || (status !== 200 && status !== 202 && status !== 409)) {
    return [{ stored: false, text: `failed (HTTP ${status}${outcomeText(dataset)})` }];
  }
  const lines: Line[] = [];
  for (const item of itemsOf(dataset[REFERENCED_SOP_SEQUENCE])) {
    const warning = firstValue(item, WARNING_REASON);
    lines.push({ stored: true, text: typeof warning === 'number' ? `stored (warning ${hex(warning)})` : 'stored' });
  }
  for (const item of itemsOf(dataset[FAILED_SOP_SEQUENCE])) {
    const reason = firstValue(item, FAILURE_REASON);
    lines.push({ stored: false, text: typeof reason === 'number' ? `failed ${hex(reason)}` : 'failed' });
  }
  return lines.length > 0 ? lines : [{ stored: false, text: `failed (HTTP ${status}, no instance in the answer)` }];
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: (write: (chunk: Buffer) => Promise<void>) => Promise<void>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new HieError('ENGINE_UNREACHABLE', `Cannot send to ${url.origin}: ${error.code ?? error.message}`)),
    );
    // Honour backpressure: the file streams at the pace the server reads it.
    const write = (chunk: Buffer): Promise<void> =>
      new Promise((done) => {
        if (req.destroyed || req.write(chunk)) return done();
        // A server that answered early and closed never drains: stop waiting then too.
        const go = (): void => {
          req.off('drain', go);
          req.off('close', go);
          done();
        };
        req.on('drain', go);
        req.on('close', go);
      });
    body(write).then(
      () => req.end(),
      (error: unknown) => {
        req.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function itemsOf(sequence: unknown): Record<string, unknown>[] {
  return isObject(sequence) && Array.isArray(sequence.Value) ? sequence.Value.filter(isObject) : [];
}

function firstValue(item: Record<string, unknown>, tag: string): unknown {
  const element = item[tag];
  return isObject(element) && Array.isArray(element.Value) ? element.Value[0] : undefined;
}

/** The OperationOutcome's diagnostics for a 4xx/5xx answer (the engine's carry no values). */
function outcomeText(body: unknown): string {
  if (!isObject(body) || !Array.isArray(body.issue)) return '';
  const texts = body.issue.filter(isObject).map((i) => {
    const details = isObject(i.details) ? i.details.text : undefined;
    return typeof i.diagnostics === 'string' ? i.diagnostics : typeof details === 'string' ? details : '';
  });
  const text = texts.filter((t) => t).join('; ');
  return text ? `: ${text}` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hex(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}

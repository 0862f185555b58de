import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MultipartError } from './multipart.errors.js';
import { readMultipartParts } from './multipart.reader.js';

const B = 'b0und4ry-xyz';

/** Source yielding `bytes` cut at the given offsets. */
async function* cut(bytes: Buffer, at: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) yield new Uint8Array(bytes.subarray(from, to));
    from = Math.max(from, to);
  }
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface ReadPart {
  headers: Record<string, string>;
  body: Buffer;
}

async function readAll(source: AsyncIterable<Uint8Array>, boundary = B): Promise<ReadPart[]> {
  const parts: ReadPart[] = [];
  for await (const part of readMultipartParts(source, boundary)) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ headers: Object.fromEntries(part.headers), body: Buffer.concat(chunks) });
  }
  return parts;
}

async function errorOf(promise: Promise<unknown>): Promise<MultipartError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MultipartError) return error;
    throw error;
  }
  throw new Error('expected a MultipartError');
}

function body(parts: readonly (string | Buffer)[], options: { preamble?: string; epilogue?: string; close?: boolean; headers?: string } = {}): Buffer {
  const out: Buffer[] = [];
  if (options.preamble !== undefined) out.push(Buffer.from(`${options.preamble}\r\n`));
  for (const p of parts) {
    out.push(Buffer.from(`--${B}\r\n${options.headers ?? 'Content-Type: application/dicom'}\r\n\r\n`), Buffer.from(p), Buffer.from('\r\n'));
  }
  if (options.close !== false) out.push(Buffer.from(`--${B}--`));
  if (options.epilogue !== undefined) out.push(Buffer.from(`\r\n${options.epilogue}`));
  return Buffer.concat(out);
}

// Content that looks like boundaries without being one: a delimiter prefix, a boundary without the CRLF before it.
const TRICKY = Buffer.from(`a\r\n--b0und4ry-xy\r\n--b0und\r\n-${B}--${B}\r\r\n\r\n-\r`);

describe('readMultipartParts', () => {
  it('reads parts, their headers and bodies', async () => {
    const parts = await readAll(cut(body(['first', 'second part']), []));
    expect(parts.map((p) => p.body.toString())).toEqual(['first', 'second part']);
    expect(parts[0]!.headers).toEqual({ 'content-type': 'application/dicom' });
  });

  it('finds boundaries split at every chunk edge (one cut and byte by byte)', async () => {
    const bytes = body(['x', TRICKY, Buffer.alloc(0), 'last'], { preamble: 'pre', epilogue: 'epi' });
    const expected = ['x', TRICKY.toString('latin1'), '', 'last'];
    for (let i = 0; i <= bytes.length; i++) {
      const parts = await readAll(cut(bytes, [i]));
      expect(parts.map((p) => p.body.toString('latin1')), `cut at ${i}`).toEqual(expected);
    }
    for (let i = 0; i + 3 <= bytes.length; i += 3) {
      const parts = await readAll(cut(bytes, [i, i + 1, i + 3]));
      expect(parts.map((p) => p.body.toString('latin1')), `cuts at ${i}, ${i + 1}, ${i + 3}`).toEqual(expected);
    }
    const byByte = await readAll(chunksOf(bytes, 1));
    expect(byByte.map((p) => p.body.toString('latin1'))).toEqual(expected);
  });

  it('skips preamble and epilogue, and a body that starts with CRLF (as dicomweb-client sends)', async () => {
    const withPreamble = await readAll(cut(body(['a'], { preamble: `preamble mentioning --${B}x and more`, epilogue: 'bye' }), [5]));
    expect(withPreamble.map((p) => p.body.toString())).toEqual(['a']);
    const leadingCrlf = Buffer.concat([Buffer.from('\r\n'), body(['a', 'b'])]);
    expect((await readAll(cut(leadingCrlf, [1]))).map((p) => p.body.toString())).toEqual(['a', 'b']);
  });

  it('accepts transport padding after a boundary, folded headers and parts without headers', async () => {
    const bytes = Buffer.from(`--${B}  \t\r\nContent-Type: application/dicom;\r\n transfer-syntax=1.2.3\r\n\r\nA\r\n--${B}\r\n\r\nB\r\n--${B}--  \r\n`);
    const parts = await readAll(cut(bytes, [3, 20]));
    expect(parts).toEqual([
      { headers: { 'content-type': 'application/dicom; transfer-syntax=1.2.3' }, body: Buffer.from('A') },
      { headers: {}, body: Buffer.from('B') },
    ]);
  });

  it('skips what a consumer leaves unread of a part', async () => {
    const seen: string[] = [];
    for await (const part of readMultipartParts(cut(body(['skipped entirely', 'read']), [7, 30]), B)) {
      if (part.index === 0) continue;
      for await (const chunk of part.body) seen.push(chunk.toString());
    }
    expect(seen.join('')).toBe('read');
  });

  it('refuses a body without its closing boundary (400-class MULTIPART_TRUNCATED), even mid-part', async () => {
    const noClose = body(['complete?'], { close: false });
    expect((await errorOf(readAll(cut(noClose, [4])))).code).toBe('MULTIPART_TRUNCATED');
    const midPart = body(['abcdef']).subarray(0, 40);
    expect((await errorOf(readAll(cut(midPart, [])))).code).toBe('MULTIPART_TRUNCATED');
    const midHeaders = Buffer.from(`--${B}\r\nContent-Ty`);
    expect((await errorOf(readAll(cut(midHeaders, []))))).toMatchObject({ code: 'MULTIPART_TRUNCATED', name: 'MultipartError' });
    // The consumer of the part body sees the failure too (it must not store half an instance as whole).
    let consumerError: unknown;
    try {
      for await (const part of readMultipartParts(cut(midPart, []), B)) for await (const _ of part.body) void _;
    } catch (error) {
      consumerError = error;
    }
    expect(consumerError).toBeInstanceOf(MultipartError);
  });

  it('refuses a body with no boundary, a boundary followed by garbage, a bad header line, huge headers', async () => {
    expect((await errorOf(readAll(cut(Buffer.from('just some bytes'), []))))?.code).toBe('MULTIPART_NO_BOUNDARY');
    expect((await errorOf(readAll(cut(Buffer.from(`--${B}garbage\r\n\r\nx\r\n--${B}--`), [])))).code).toBe('MULTIPART_BAD_DELIMITER');
    expect((await errorOf(readAll(cut(Buffer.from(`--${B}\r\nno colon here\r\n\r\nx\r\n--${B}--`), [])))).code).toBe('MULTIPART_BAD_HEADER');
    const huge = Buffer.from(`--${B}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\nx\r\n--${B}--`);
    expect((await errorOf(readAll(cut(huge, [100]))))?.code).toBe('MULTIPART_HEADERS_TOO_LARGE');
    const endless = (async function* () {
      for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024, 0x61);
    })();
    expect((await errorOf(readAll(endless))).code).toBe('MULTIPART_NO_BOUNDARY');
  });

  it('streams a 256 MB part with bounded memory (and fast)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    // A CR LF - - run inside the data keeps the delimiter search honest.
    chunk.write('\r\n--b0und4ry-xy', 1000, 'latin1');
    const total = 4096 * chunk.length;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`--${B}\r\nContent-Type: application/dicom\r\n\r\n`);
      for (let i = 0; i < 4096; i++) yield chunk;
      yield Buffer.from(`\r\n--${B}--\r\n`);
    }
    const expectedHash = createHash('sha256');
    for (let i = 0; i < 4096; i++) expectedHash.update(chunk);
    const hash = createHash('sha256');
    let bytes = 0;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const started = performance.now();
    for await (const part of readMultipartParts(source(), B)) {
      for await (const piece of part.body) {
        hash.update(piece);
        bytes += piece.length;
        if ((bytes & 0xfffff) < piece.length) peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    expect(bytes).toBe(total);
    expect(hash.digest('hex')).toBe(expectedHash.digest('hex'));
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    // Hashing included; the parser alone is several times faster. Loose: the machine is shared.
    expect(total / 1024 / 1024 / seconds).toBeGreaterThan(150);
  });
});

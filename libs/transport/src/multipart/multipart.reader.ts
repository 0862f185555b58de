import { MultipartError } from './multipart.errors.js';

/** Bounds of {@link readMultipartParts}; every one caps memory or time spent on garbage. */
export interface MultipartLimits {
  /** Largest header block of one part. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Bytes skipped before the first boundary at most (RFC 2046 preamble). Default 1 MiB. */
  readonly maxPreambleBytes?: number;
  /** Epilogue bytes read (and dropped) after the closing boundary at most. Default 64 KiB. */
  readonly maxEpilogueBytes?: number;
}

/** One body part. Its `body` streams the part's bytes and can be iterated once. */
export interface MultipartPart {
  /** 0-based position in the body. */
  readonly index: number;
  /** Header fields, names lower case; the first of a repeated name wins. */
  readonly headers: ReadonlyMap<string, string>;
  /** The part's Content-Type header as sent, if any. */
  readonly contentType: string | undefined;
  /**
   * The part's content, chunk by chunk, never buffered whole. Iterate it before asking for the
   * next part; what is left unread is skipped when the next part is asked for. Throws
   * MultipartError when the body ends inside the part.
   */
  readonly body: AsyncIterable<Buffer>;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const MAX_TRANSPORT_PADDING = 1024;

/**
 * Streams the parts of a multipart body (RFC 2046 §5.1, as multipart/related uses it) from a
 * stream of chunks, holding at most one source chunk plus a delimiter's length in memory: a
 * 500 MB part passes through in pieces. Boundaries split across chunk edges are found (the
 * last `delimiter - 1` bytes are held back until the next chunk says whether they start one).
 * Preamble and epilogue are skipped; transport padding after a boundary is allowed; a body
 * that ends before the closing `--boundary--` throws MultipartError `MULTIPART_TRUNCATED`.
 */
export async function* readMultipartParts(
  source: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: MultipartLimits = {},
): AsyncGenerator<MultipartPart, void, undefined> {
  const reader = new MultipartReader(source[Symbol.asyncIterator](), boundary, limits);
  try {
    await reader.skipPreamble();
    for (let index = 0; ; index++) {
      if (!(await reader.openPart())) {
        await reader.skipEpilogue();
        return;
      }
      const headers = await reader.readHeaders();
      yield { index, headers, contentType: headers.get('content-type'), body: reader.partBody(index) };
      await reader.finishPart(index);
    }
  } finally {
    await reader.release();
  }
}

/** The parser's state over one source: the unread bytes and where in the grammar it stands. */
class MultipartReader {
  /** Unread bytes. Starts with a CRLF so that a boundary at the very start is a delimiter like the others. */
  private buf: Buffer = Buffer.from(CRLF);
  private eof = false;
  private readonly delimiter: Buffer;
  private readonly maxHeaderBytes: number;
  private readonly maxPreambleBytes: number;
  private readonly maxEpilogueBytes: number;
  /** Index of the part whose body is being read, or -1 between parts. */
  private current = -1;
  /** The error that ended the body, rethrown to whoever asks next. */
  private failure: MultipartError | undefined;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    boundary: string,
    limits: MultipartLimits,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
    this.maxPreambleBytes = limits.maxPreambleBytes ?? 1024 * 1024;
    this.maxEpilogueBytes = limits.maxEpilogueBytes ?? 64 * 1024;
  }

  /** Drops everything up to and including the first delimiter. */
  async skipPreamble(): Promise<void> {
    let skipped = 0;
    for (;;) {
      const at = this.buf.indexOf(this.delimiter);
      if (at !== -1) {
        this.buf = this.buf.subarray(at + this.delimiter.length);
        return;
      }
      const keep = Math.min(this.buf.length, this.delimiter.length - 1);
      skipped += this.buf.length - keep;
      this.buf = this.buf.subarray(this.buf.length - keep);
      if (skipped > this.maxPreambleBytes) throw new MultipartError('MULTIPART_NO_BOUNDARY', 'No multipart boundary in the first bytes of the body', { skipped });
      if (!(await this.pull())) throw new MultipartError('MULTIPART_NO_BOUNDARY', 'The body holds no multipart boundary');
    }
  }

  /** Just after a delimiter: true when a part follows (CRLF), false at the closing `--`. */
  async openPart(): Promise<boolean> {
    await this.want(2);
    if (this.buf.length >= 2 && this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.buf = this.buf.subarray(2);
      return false;
    }
    // Transport padding (linear white space) may sit between the boundary and its CRLF.
    let at = 0;
    for (;;) {
      while (at < this.buf.length && (this.buf[at] === 0x20 || this.buf[at] === 0x09)) at++;
      if (at > MAX_TRANSPORT_PADDING) throw new MultipartError('MULTIPART_BAD_DELIMITER', 'Too much padding after a multipart boundary');
      if (this.buf.length >= at + 2) break;
      if (!(await this.pull())) throw new MultipartError('MULTIPART_TRUNCATED', 'The body ended after a boundary, before the closing boundary');
    }
    if (this.buf[at] !== 0x0d || this.buf[at + 1] !== 0x0a) {
      throw new MultipartError('MULTIPART_BAD_DELIMITER', 'A multipart boundary is followed by neither CRLF nor "--"');
    }
    this.buf = this.buf.subarray(at + 2);
    return true;
  }

  /** The header block of the part that starts here (empty when the part begins with CRLF). */
  async readHeaders(): Promise<Map<string, string>> {
    for (;;) {
      if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
        this.buf = this.buf.subarray(2);
        return new Map();
      }
      const end = this.buf.indexOf(HEADER_END);
      if (end !== -1) {
        if (end > this.maxHeaderBytes) throw this.headersTooLarge();
        const block = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end + HEADER_END.length);
        return parseHeaderBlock(block);
      }
      if (this.buf.length > this.maxHeaderBytes + HEADER_END.length) throw this.headersTooLarge();
      if (!(await this.pull())) throw new MultipartError('MULTIPART_TRUNCATED', 'The body ended inside the headers of a part');
    }
  }

  /** A single-use stream over the body of part `index`. */
  partBody(index: number): AsyncIterable<Buffer> {
    this.current = index;
    let taken = false;
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<Buffer> => {
        if (taken) throw new Error('A multipart part body can be read once');
        taken = true;
        return {
          next: async (): Promise<IteratorResult<Buffer>> => {
            const chunk = this.current === index ? await this.nextBodyChunk() : null;
            return chunk === null ? { done: true, value: undefined } : { done: false, value: chunk };
          },
          // Stopping early is fine: the rest of the part is skipped when the next part is asked for.
          return: async (): Promise<IteratorResult<Buffer>> => ({ done: true, value: undefined }),
        };
      },
    };
  }

  /** Skips what the consumer left of part `index` (rethrowing the failure that ended it, if any). */
  async finishPart(index: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.current !== index) return;
    while ((await this.nextBodyChunk()) !== null) {
      // dropped
    }
  }

  /** Reads (and drops) a bounded epilogue, so a well-formed request is consumed to its end. */
  async skipEpilogue(): Promise<void> {
    let read = this.buf.length;
    this.buf = Buffer.alloc(0);
    while (read <= this.maxEpilogueBytes && (await this.pull())) {
      read += this.buf.length;
      this.buf = Buffer.alloc(0);
    }
  }

  async release(): Promise<void> {
    if (!this.eof) await this.source.return?.();
  }

  /**
   * The next piece of the current part's body, or null once its delimiter is reached (the
   * delimiter is consumed). Holds back the last `delimiter - 1` bytes while no delimiter is
   * in view: they may be the start of one split across chunks.
   */
  private async nextBodyChunk(): Promise<Buffer | null> {
    if (this.failure) throw this.failure;
    for (;;) {
      const at = this.buf.indexOf(this.delimiter);
      if (at !== -1) {
        if (at > 0) {
          // Hand out the data first; the next call finds the delimiter at 0.
          const data = this.buf.subarray(0, at);
          this.buf = this.buf.subarray(at);
          return data;
        }
        this.buf = this.buf.subarray(this.delimiter.length);
        this.current = -1;
        return null;
      }
      const safe = this.buf.length - (this.delimiter.length - 1);
      if (safe > 0) {
        const data = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        return data;
      }
      if (!(await this.pull())) {
        this.failure = new MultipartError('MULTIPART_TRUNCATED', 'The body ended inside a part, before its closing boundary');
        throw this.failure;
      }
    }
  }

  /** Reads until `n` bytes are buffered or the source ends. */
  private async want(n: number): Promise<void> {
    while (this.buf.length < n && (await this.pull())) {
      // pulling
    }
    if (this.buf.length < n) throw new MultipartError('MULTIPART_TRUNCATED', 'The body ended after a boundary, before the closing boundary');
  }

  /** Appends the next source chunk; false at the end of the source. */
  private async pull(): Promise<boolean> {
    if (this.eof) return false;
    const next = await this.source.next();
    if (next.done) {
      this.eof = true;
      return false;
    }
    const chunk = next.value;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // The carried tail is at most a delimiter long, so this copy is one chunk's worth.
    this.buf = this.buf.length === 0 ? bytes : Buffer.concat([this.buf, bytes]);
    return true;
  }

  private headersTooLarge(): MultipartError {
    return new MultipartError('MULTIPART_HEADERS_TOO_LARGE', 'A part header block is over the limit', { maxHeaderBytes: this.maxHeaderBytes });
  }
}

/** RFC 5322-style header lines (folded lines joined), names lower-cased. */
function parseHeaderBlock(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const lines: string[] = [];
  for (const line of block.split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new MultipartError('MULTIPART_BAD_HEADER', 'A part header line has no field name');
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

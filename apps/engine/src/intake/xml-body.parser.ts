import type { FastifyInstance } from 'fastify';
import type { CdaBody } from '@hie/pipeline';

/** Media types whose body is a CDA document (XML), taken as raw bytes. */
export const CDA_MEDIA_TYPES = ['application/xml', 'application/cda+xml', 'text/xml'];

/** What is kept of a body over the document limit (as the MLLP edge keeps of an oversize frame). */
export const OVERSIZE_HEAD_BYTES = 64 * 1024;

/** A CDA body as the controller receives it. */
export interface XmlBody extends CdaBody {
  /** True when the sender went on past the hard limit: the rest was not read, the connection must close. */
  readonly cut: boolean;
}

/** Limits of the XML body reader. */
export interface XmlBodyLimits {
  /** The document limit: a body up to this size is kept whole. */
  readonly maxBytes: number;
  /** Past this many bytes the reader stops reading (the request is answered, the connection closed). */
  readonly maxReadBytes: number;
}

/**
 * Reads XML bodies as bytes (no charset guessing: the XML reader takes UTF-8), keeping a body
 * up to `maxBytes` whole and of a larger one only its first 64 KiB while it counts (and drops)
 * the rest, so a hostile 100 MB body costs 64 KiB of memory and is still kept, head plus real
 * size, as a failed message. Fastify's own limit would refuse it before anything was stored.
 */
export function registerXmlBodyParser(fastify: FastifyInstance, limits: XmlBodyLimits): void {
  fastify.addContentTypeParser(CDA_MEDIA_TYPES, (_request, payload, done) => {
    let chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    let settled = false;
    const finish = (error: Error | null, cut: boolean): void => {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (error) {
        done(error, undefined);
        return;
      }
      const body: XmlBody = { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), totalBytes: total, cut };
      done(null, body);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += bytes.length;
      if (!over && total <= limits.maxBytes) {
        chunks.push(bytes);
        return;
      }
      if (!over) {
        // Crossing the limit: keep the head only, from here on count and drop.
        over = true;
        chunks = [headOf([...chunks, bytes])];
      }
      if (total > limits.maxReadBytes) finish(null, true);
    };
    const onEnd = (): void => finish(null, false);
    const onError = (error: Error): void => finish(Object.assign(error, { statusCode: 400 }), false);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

/** The first OVERSIZE_HEAD_BYTES of the chunks, copied (so the chunks themselves can be freed). */
function headOf(chunks: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(Math.min(OVERSIZE_HEAD_BYTES, chunks.reduce((n, c) => n + c.length, 0)));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= head.length) break;
    at += chunk.copy(head, at, 0, Math.min(chunk.length, head.length - at));
  }
  return head;
}

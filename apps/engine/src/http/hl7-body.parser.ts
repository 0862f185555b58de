import type { FastifyInstance } from 'fastify';

/** Media types whose body is an HL7 v2 message, taken as raw bytes. */
export const HL7_MEDIA_TYPES = ['x-application/hl7-v2+er7', 'text/plain'];

/**
 * Takes HL7 v2 bodies as a Buffer (no charset guessing: the parser reads MSH-18), up to
 * the frame limit. Fastify's own text/plain parser would decode it as UTF-8 first.
 */
export function registerHl7BodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(HL7_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, body);
  });
}

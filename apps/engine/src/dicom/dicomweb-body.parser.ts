import type { FastifyInstance } from 'fastify';

/** The media type of a STOW-RS body. */
export const DICOMWEB_MULTIPART = 'multipart/related';

/**
 * Hands STOW-RS bodies (`multipart/related`) to the route as the raw request stream: nothing is
 * buffered or size-limited here (a 500 MB instance must stream through); the controller's
 * multipart reader parses it part by part while intake encrypts and stores each part.
 */
export function registerDicomwebBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(DICOMWEB_MULTIPART, (_request, payload, done) => {
    done(null, payload);
  });
}

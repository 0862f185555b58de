import type { FastifyRequest } from 'fastify';

/** The FHIR base URL as the client reached us, for fullUrl in Bundles. */
export function fhirBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}/fhir`;
}

import type { FastifyReply } from 'fastify';
import { HIE_ERROR_CODE_SYSTEM, type OperationOutcome } from '@hie/fhir';
import type { CdaIntakeResult } from '@hie/pipeline';
import { CDA_MEDIA_TYPES } from './xml-body.parser.js';

const FHIR_JSON = 'application/fhir+json';

/**
 * The HTTP answer of a CDA intake: 202 `{id}` (queued), 200 document Bundle (`?sync=true`), or
 * the refusal's status with its OperationOutcome. `Location` names the stored message
 * (`GET /messages/{id}`), refused ones included, so a sender can find what was kept.
 * `cut`: the body was not read to its end, so the connection cannot be reused.
 */
export function sendCdaResult(reply: FastifyReply, result: CdaIntakeResult, cut: boolean): void {
  if (cut) void reply.header('connection', 'close');
  const stored = result.kind !== 'refused' || result.stored;
  if (stored) void reply.header('location', `/messages/${result.id}`);
  switch (result.kind) {
    case 'accepted':
      void reply.status(202).header('content-type', 'application/json').send(JSON.stringify({ id: result.id }));
      return;
    case 'converted':
      void reply.status(200).header('content-type', FHIR_JSON).send(JSON.stringify(result.document));
      return;
    case 'refused':
      void reply.status(result.status).header('content-type', FHIR_JSON).send(JSON.stringify(result.outcome));
      return;
  }
}

/** 415 for a body that is not XML: nothing is stored (it is not a document). */
export function sendUnsupportedMediaType(reply: FastifyReply): void {
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'not-supported',
        details: { text: `POST /cda takes ${CDA_MEDIA_TYPES.join(', ')}`, coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: 'CDA_MEDIA_TYPE' }] },
      },
    ],
  };
  void reply.status(415).header('content-type', FHIR_JSON).send(JSON.stringify(outcome));
}

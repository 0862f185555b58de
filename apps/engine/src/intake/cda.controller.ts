import { Controller, Headers, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CdaIntakeService } from '@hie/pipeline';
import { sendCdaResult, sendUnsupportedMediaType } from './cda-response.js';
import { CDA_MEDIA_TYPES, type XmlBody } from './xml-body.parser.js';

/**
 * CDA R2 / C-CDA documents over HTTP: `POST /cda` (application/xml, application/cda+xml,
 * text/xml) → 202 `{id}` once the document is durable, or with `?sync=true` 200 and the FHIR
 * document Bundle; a refused document → 4xx OperationOutcome (and kept as a failed message).
 */
@Controller('cda')
export class CdaController {
  constructor(@Inject(CdaIntakeService) private readonly intake: CdaIntakeService) {}

  @Post()
  async receive(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Headers('content-type') contentType?: string, @Query('sync') sync?: string): Promise<void> {
    const body = request.body;
    if (!CDA_MEDIA_TYPES.includes(mediaType(contentType)) || !isXmlBody(body)) return sendUnsupportedMediaType(reply);
    sendCdaResult(reply, await this.intake.receive(body, 'http', { sync: sync === 'true' }), body.cut);
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isXmlBody(body: unknown): body is XmlBody {
  return typeof body === 'object' && body !== null && Buffer.isBuffer((body as XmlBody).bytes) && typeof (body as XmlBody).totalBytes === 'number';
}

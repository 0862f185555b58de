import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HieError, InvalidInputError, NotFoundError } from '@hie/common';
import { R4_RESOURCE_TYPES } from '@hie/fhir';
import type { ProtectionStack, VerifyReport } from '@hie/pipeline';
import { PROTECTION_STACK } from '../core/engine.tokens.js';
import { verifyParameters, verifyText } from './verify-report.format.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * `GET /fhir/{type}/{id}/$verify` (current version) and `.../_history/{vid}/$verify`: proves the
 * record untampered. 200 with `result` true or false (a failed check is an answer, not an
 * error); `?_format=text` for a readable report.
 */
@Controller('fhir')
export class VerifyController {
  constructor(@Inject(PROTECTION_STACK) private readonly protection: ProtectionStack | null) {}

  @Get(':type/:id/$verify')
  current(@Param('type') type: string, @Param('id') id: string, @Query('_format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(type, id, undefined, format, reply);
  }

  @Get(':type/:id/_history/:vid/$verify')
  version(
    @Param('type') type: string,
    @Param('id') id: string,
    @Param('vid') vid: string,
    @Query('_format') format: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!/^[1-9]\d{0,8}$/.test(vid)) throw new InvalidInputError('FHIR_VERSION_INVALID', 'Version id must be a positive integer');
    return this.answer(type, id, Number(vid), format, reply);
  }

  private async answer(type: string, id: string, versionId: number | undefined, format: string | undefined, reply: FastifyReply): Promise<void> {
    if (!this.protection) throw new HieError('PROTECT_DISABLED', 'Protect and anchor is off in this engine (HIE_PROTECT=false)');
    if (!R4_RESOURCE_TYPES.has(type)) throw new NotFoundError('Resource type');
    if (!ID.test(id)) throw new NotFoundError(`${type} resource`);
    const report: VerifyReport = await this.protection.verifier.verify(type, id, versionId);
    if (format === 'text') {
      await reply.status(200).header('content-type', 'text/plain; charset=utf-8').send(verifyText(report));
      return;
    }
    await reply.status(200).header('content-type', 'application/fhir+json').send(JSON.stringify(verifyParameters(report)));
  }
}

import { Controller, Get, Headers, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HieConfig } from '@hie/config';
import { DicomInstanceVerifier, DicomQueryService, DicomRetrieveService, parseQidoRequest, type DicomVerifyTarget, type QidoLevel, type QidoScope, type QueryValues, type WadoTarget } from '@hie/pipeline';
import { HIE_CONFIG } from '../core/engine.tokens.js';
import { verifyParameters, verifyText } from '../protect/verify-report.format.js';
import { DicomwebStowHandler } from './dicomweb-stow.handler.js';
import { negotiateWado, sendDicomJson, sendOutcome, sendWadoMultipart, sendWadoSingle, type WadoPart } from './dicomweb-wado.response.js';

/**
 * DICOMweb (PS3.18) under `/dicomweb`: STOW-RS (`POST /studies[/{study}]`), QIDO-RS (studies,
 * series, instances at every scope) and WADO-RS (instances, series and studies as
 * multipart/related application/dicom, `application/dicom` for one instance, metadata as DICOM
 * JSON, `?deidentify=true` on an instance), and `$verify` of a stored instance (as FHIR `$verify`:
 * Parameters, or `?_format=text`). Errors are OperationOutcomes.
 */
@Controller('dicomweb')
export class DicomwebController {
  private readonly base: string;

  constructor(
    @Inject(DicomwebStowHandler) private readonly stow: DicomwebStowHandler,
    @Inject(DicomQueryService) private readonly query: DicomQueryService,
    @Inject(DicomRetrieveService) private readonly retrieve: DicomRetrieveService,
    @Inject(DicomInstanceVerifier) private readonly verifier: DicomInstanceVerifier,
    @Inject(HIE_CONFIG) config: HieConfig,
  ) {
    this.base = config.dicom.dicomwebBaseUrl;
  }

  // STOW-RS

  @Post('studies')
  storeInstances(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Headers('content-type') contentType?: string): Promise<void> {
    return this.store(req, reply, contentType);
  }

  @Post('studies/:study')
  storeStudyInstances(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('study') study: string, @Headers('content-type') contentType?: string): Promise<void> {
    return this.store(req, reply, contentType, study);
  }

  // QIDO-RS

  @Get('studies')
  searchStudies(@Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'study', {}, q);
  }

  @Get('series')
  searchAllSeries(@Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'series', {}, q);
  }

  @Get('studies/:study/series')
  searchSeries(@Param('study') study: string, @Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'series', { study }, q);
  }

  @Get('instances')
  searchAllInstances(@Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'instance', {}, q);
  }

  @Get('studies/:study/instances')
  searchStudyInstances(@Param('study') study: string, @Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'instance', { study }, q);
  }

  @Get('studies/:study/series/:series/instances')
  searchSeriesInstances(@Param('study') study: string, @Param('series') series: string, @Query() q: QueryValues, @Res() reply: FastifyReply): Promise<void> {
    return this.search(reply, 'instance', { study, series }, q);
  }

  // WADO-RS

  @Get('studies/:study')
  retrieveStudy(@Param('study') study: string, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, { study }, accept);
  }

  @Get('studies/:study/series/:series')
  retrieveSeries(@Param('study') study: string, @Param('series') series: string, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, { study, series }, accept);
  }

  @Get('studies/:study/series/:series/instances/:sop')
  retrieveInstance(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('sop') sop: string,
    @Headers('accept') accept: string | undefined,
    @Query('deidentify') deidentify: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return deidentify === 'true' ? this.sendDeidentified(reply, { study, series, sop }, accept) : this.send(reply, { study, series, sop }, accept);
  }

  @Get('studies/:study/metadata')
  studyMetadata(@Param('study') study: string, @Res() reply: FastifyReply): Promise<void> {
    return this.metadata(reply, { study });
  }

  @Get('studies/:study/series/:series/metadata')
  seriesMetadata(@Param('study') study: string, @Param('series') series: string, @Res() reply: FastifyReply): Promise<void> {
    return this.metadata(reply, { study, series });
  }

  @Get('studies/:study/series/:series/instances/:sop/metadata')
  instanceMetadata(@Param('study') study: string, @Param('series') series: string, @Param('sop') sop: string, @Res() reply: FastifyReply): Promise<void> {
    return this.metadata(reply, { study, series, sop });
  }

  // $verify: proves the stored object, its record and its anchor untampered (200 with result true or false)

  @Get('studies/:study/series/:series/instances/:sop/$verify')
  verifyInstance(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('sop') sop: string,
    @Query('_format') format: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.verify(reply, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop }, format);
  }

  /** By SOP Instance UID alone (`hie verify DicomInstance/<uid>`): an erased patient's instance has no study left to name. */
  @Get('instances/:sop/$verify')
  verifyInstanceByUid(@Param('sop') sop: string, @Query('_format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.verify(reply, { sopInstanceUid: sop }, format);
  }

  private async store(req: FastifyRequest, reply: FastifyReply, contentType: string | undefined, study?: string): Promise<void> {
    const body = req.body;
    if (!isByteStream(body)) {
      void reply.header('connection', 'close');
      return sendOutcome(reply, 415, 'DICOMWEB_MEDIA_TYPE', 'STOW-RS takes multipart/related; type="application/dicom"');
    }
    if (study !== undefined) parseQidoRequest('study', { study }, {}); // validates the UID (400)
    let outcome;
    try {
      outcome = await this.stow.store(body, contentType, this.base, study);
    } catch (error) {
      // A malformed body may not have been read to its end: do not reuse the connection.
      void reply.header('connection', 'close');
      throw error;
    }
    if (outcome.kind === 'unsupported-media-type') {
      void reply.header('connection', 'close');
      return sendOutcome(reply, 415, 'DICOMWEB_MEDIA_TYPE', outcome.reason);
    }
    return sendDicomJson(reply, outcome.status, outcome.dataset);
  }

  private async verify(reply: FastifyReply, target: DicomVerifyTarget, format: string | undefined): Promise<void> {
    const report = await this.verifier.verify(target);
    if (format === 'text') {
      await reply.status(200).header('content-type', 'text/plain; charset=utf-8').send(verifyText(report));
      return;
    }
    await reply.status(200).header('content-type', 'application/fhir+json').send(JSON.stringify(verifyParameters(report)));
  }

  private async search(reply: FastifyReply, level: QidoLevel, scope: QidoScope, q: QueryValues): Promise<void> {
    const answer = await this.query.search(parseQidoRequest(level, scope, q), this.base);
    const warning = answer.ignoredKeys.length > 0 ? `The following parameters are not supported: ${answer.ignoredKeys.join(', ')}` : undefined;
    return sendDicomJson(reply, 200, answer.results, warning);
  }

  private async send(reply: FastifyReply, target: WadoTarget, accept: string | undefined): Promise<void> {
    return this.withErasure(reply, async () => {
      const rows = await this.retrieve.find(target);
      const rendering = negotiateWado(accept, new Set(rows.map((r) => r.transferSyntaxUid)), target.sop !== undefined);
      if (rendering === undefined) return this.notAcceptable(reply);
      const retrieve = this.retrieve;
      async function* parts(): AsyncGenerator<WadoPart> {
        for (const row of rows) yield { transferSyntaxUid: row.transferSyntaxUid, body: await retrieve.open(row) };
      }
      if (rendering === 'single') return sendWadoSingle(reply, { transferSyntaxUid: rows[0]!.transferSyntaxUid, body: await this.retrieve.open(rows[0]!) });
      return sendWadoMultipart(reply, parts());
    });
  }

  private async sendDeidentified(reply: FastifyReply, target: WadoTarget, accept: string | undefined): Promise<void> {
    return this.withErasure(reply, async () => {
      const [row] = await this.retrieve.find(target);
      const rendering = negotiateWado(accept, new Set([row!.transferSyntaxUid]), true);
      if (rendering === undefined) return this.notAcceptable(reply);
      const bytes = await this.retrieve.deidentified(row!);
      // The profile may re-encode the data set: its part names no transfer syntax (the file meta says it).
      return rendering === 'single' ? sendWadoSingle(reply, { body: once(bytes) }) : sendWadoMultipart(reply, once({ body: once(bytes) }));
    });
  }

  private async metadata(reply: FastifyReply, target: WadoTarget): Promise<void> {
    return sendDicomJson(reply, 200, await this.retrieve.metadata(target));
  }

  /** An erased patient's data key is gone: 410 rather than the filter's generic answer. */
  private async withErasure(reply: FastifyReply, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'DATA_KEY_DESTROYED') return sendOutcome(reply, 410, 'DATA_KEY_DESTROYED', 'The instance belonged to an erased patient', error);
      if (code === 'DICOM_TOO_LARGE') return sendOutcome(reply, 413, 'DICOM_TOO_LARGE', 'Too large to de-identify on request', error);
      throw error;
    }
  }

  private notAcceptable(reply: FastifyReply): Promise<void> {
    return sendOutcome(reply, 406, 'DICOMWEB_NOT_ACCEPTABLE', 'WADO-RS answers multipart/related; type="application/dicom" (or application/dicom for one instance), in the stored transfer syntax');
  }
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function' && Symbol.asyncIterator in body;
}

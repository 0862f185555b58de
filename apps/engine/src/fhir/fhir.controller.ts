import { Controller, Get, Header, Inject, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Bundle, FhirResource } from '@hie/fhir';
import { fhirBase } from '../http/request-base.js';
import { FhirReadService, type SearchParams } from './fhir-read.service.js';

/** FHIR REST reads. */
@Controller('fhir')
export class FhirController {
  constructor(@Inject(FhirReadService) private readonly fhir: FhirReadService) {}

  @Get(':type')
  @Header('content-type', 'application/fhir+json')
  search(@Param('type') type: string, @Query() query: SearchParams, @Req() req: FastifyRequest): Promise<Bundle> {
    return this.fhir.search(type, query, fhirBase(req));
  }

  @Get(':type/:id')
  @Header('content-type', 'application/fhir+json')
  read(@Param('type') type: string, @Param('id') id: string): Promise<FhirResource> {
    return this.fhir.read(type, id);
  }

  @Get(':type/:id/_history')
  @Header('content-type', 'application/fhir+json')
  history(@Param('type') type: string, @Param('id') id: string, @Req() req: FastifyRequest): Promise<Bundle> {
    return this.fhir.history(type, id, fhirBase(req));
  }
}

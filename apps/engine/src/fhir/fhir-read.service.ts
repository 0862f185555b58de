import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@hie/common';
import { R4_RESOURCE_TYPES, type Bundle, type FhirResource } from '@hie/fhir';
import { FhirRepository } from '@hie/store';

/** Query parameters of a FHIR search, as received. */
export type SearchParams = Readonly<Record<string, string | string[] | undefined>>;

const SEARCH_PARAMS = new Set(['identifier', 'patient', '_count', '_offset']);
const MAX_COUNT = 1000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Reads the FHIR store: read, history, and the two searches this milestone offers
 * (`identifier`, `patient`). Anything else is refused (400), never silently ignored.
 */
@Injectable()
export class FhirReadService {
  constructor(@Inject(FhirRepository) private readonly fhir: FhirRepository) {}

  async read(type: string, id: string): Promise<FhirResource> {
    this.checkType(type);
    const resource = ID.test(id) ? await this.fhir.read(type, id) : undefined;
    if (!resource) throw new NotFoundError(`${type} resource`);
    return resource;
  }

  async history(type: string, id: string, base: string): Promise<Bundle> {
    this.checkType(type);
    const versions = ID.test(id) ? await this.fhir.history(type, id) : [];
    if (versions.length === 0) throw new NotFoundError(`${type} resource`);
    return {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      entry: versions.map((resource) => ({ fullUrl: `${base}/${type}/${id}`, resource })),
    };
  }

  async search(type: string, params: SearchParams, base: string): Promise<Bundle> {
    this.checkType(type);
    for (const name of Object.keys(params)) {
      if (!SEARCH_PARAMS.has(name)) throw new InvalidInputError('FHIR_UNSUPPORTED_PARAM', `Search parameter ${name} is not supported`, { name });
    }
    const identifier = single(params, 'identifier');
    const patient = single(params, 'patient');
    if (identifier === undefined && patient === undefined) {
      throw new InvalidInputError('FHIR_SEARCH_CRITERIA', 'Search needs identifier or patient');
    }
    const count = integer(params, '_count', 50, 0, MAX_COUNT);
    const offset = integer(params, '_offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const { total, resources } = await this.fhir.search(type, { identifier, patient, count, offset });
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total,
      entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
    };
  }

  private checkType(type: string): void {
    if (!R4_RESOURCE_TYPES.has(type)) throw new NotFoundError('Resource type');
  }
}

function single(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value) || value === '') {
    throw new InvalidInputError('FHIR_UNSUPPORTED_PARAM', `Search parameter ${name} must be given once, with a value`, { name });
  }
  return value;
}

function integer(params: SearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = single(params, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError('FHIR_UNSUPPORTED_PARAM', `${name} must be an integer from ${min} to ${max}`, { name });
  }
  return value;
}

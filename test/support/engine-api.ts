/**
 * The engine's HTTP API as the tests see it. Typed loosely on purpose (JSON in, records out):
 * the tests assert on the shapes the issue promises, not on the engine's internal types.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface HttpResult<T = JsonObject> {
  status: number;
  contentType: string;
  body: T;
}

export class EngineApi {
  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<HttpResult> {
    const response = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(30_000) });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await readJson(response) };
  }

  async post(path: string, body?: string | Buffer, contentType = 'application/json'): Promise<HttpResult> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await readJson(response) };
  }

  /** `POST /hl7v2`: returns the ACK text. */
  async postHl7(message: string | Buffer, contentType = 'x-application/hl7-v2+er7'): Promise<{ status: number; contentType: string; ack: string }> {
    const response = await fetch(`${this.baseUrl}/hl7v2`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof message === 'string' ? message : new Uint8Array(message),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', ack: await response.text() };
  }

  /** Searchset entries' resources for `GET /fhir/{type}?{query}`. */
  async search(type: string, query: Record<string, string>): Promise<JsonObject[]> {
    const result = await this.get(`/fhir/${type}?${new URLSearchParams(query).toString()}`);
    if (result.status !== 200) throw new Error(`GET /fhir/${type} answered ${result.status}: ${JSON.stringify(result.body)}`);
    return entriesOf(result.body);
  }

  /** Message counts by status, read from `GET /health`. */
  async counts(): Promise<Record<string, number>> {
    const result = await this.get('/health');
    return statusCounts(result.body);
  }

  /** Messages converted and possibly further along (stored, anchored), newest first. */
  async listConverted(): Promise<JsonObject[]> {
    const lists = await Promise.all(CONVERTED_OR_LATER.map((s) => this.listMessages(s)));
    return lists.flat().sort((a, b) => (String(a.id) < String(b.id) ? 1 : -1));
  }

  /** Every message summary in the store with `status` (pages through `before` cursors). */
  async listMessages(status?: string, pageSize = 500): Promise<JsonObject[]> {
    const all: JsonObject[] = [];
    let before: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (status) query.set('status', status);
      if (before) query.set('before', before);
      const result = await this.get(`/messages?${query.toString()}`);
      if (result.status !== 200) throw new Error(`GET /messages answered ${result.status}`);
      const page = messageItems(result.body);
      all.push(...page);
      if (page.length < pageSize) return all;
      const last = page[page.length - 1]!;
      before = String(last.id);
    }
  }
}

async function readJson(response: Response): Promise<JsonObject> {
  const text = await response.text();
  if (text.length === 0) return {};
  try {
    const parsed = JSON.parse(text) as Json;
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    return { text };
  }
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources of a searchset/history Bundle. */
export function entriesOf(bundle: JsonObject): JsonObject[] {
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  return entries.flatMap((e) => (isObject(e) && isObject(e.resource) ? [e.resource] : []));
}

/** Statuses of a message that was converted: the protect and anchor stages move it on. */
export const CONVERTED_OR_LATER = ['converted', 'stored', 'anchored'] as const;

/** `GET /messages` answers a list: a bare array or an object holding one (`items`, `messages`, `data`, `entry`). */
export function messageItems(body: JsonObject): JsonObject[] {
  const candidates: Json[] = [body.value ?? null, body.items ?? null, body.messages ?? null, body.data ?? null, body.entry ?? null];
  for (const c of candidates) if (Array.isArray(c)) return c.filter(isObject);
  return [];
}

/** Counts by status from `/health` (`counts`, `messages` or `status` objects). */
export function statusCounts(body: JsonObject): Record<string, number> {
  for (const key of ['counts', 'messages', 'messageCounts', 'byStatus']) {
    const v = body[key];
    if (isObject(v) && ['received', 'converted', 'failed'].some((s) => typeof v[s] === 'number')) {
      const out: Record<string, number> = { received: 0, converted: 0, stored: 0, anchored: 0, failed: 0 };
      for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
      return out;
    }
  }
  throw new Error(`no counts by status in /health: ${JSON.stringify(body)}`);
}

/** Resource versions a message wrote, from `GET /messages/:id`. */
export function versionsOf(detail: JsonObject): { type: string; id: string; versionId: string }[] {
  for (const key of ['resources', 'versions', 'resourceVersions', 'written']) {
    const v = detail[key];
    if (Array.isArray(v)) {
      return v.filter(isObject).map((r) => ({ type: String(r.type ?? r.resourceType), id: String(r.id), versionId: String(r.versionId) }));
    }
  }
  throw new Error(`no resource versions in message detail: ${Object.keys(detail).join(',')}`);
}

/** A resource's `meta.versionId`. */
export function versionIdOf(resource: JsonObject): string | undefined {
  return isObject(resource.meta) && typeof resource.meta.versionId === 'string' ? resource.meta.versionId : undefined;
}

import { HieError } from '@hie/common';

/** Calls the engine's HTTP API; errors carry the status and the outcome's text only. */
export async function callEngine<T>(baseUrl: string, method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await request(baseUrl, method, path, { accept: 'application/json, application/fhir+json', ...headers });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new HieError('ENGINE_ERROR', `The engine answered ${response.status}: ${outcomeText(body)}`, { status: response.status });
  }
  return body as T;
}

/** Like {@link callEngine} for endpoints that answer plain text. */
export async function callEngineText(baseUrl: string, path: string): Promise<string> {
  const response = await request(baseUrl, 'GET', path, { accept: 'text/plain, application/fhir+json' });
  const text = await response.text();
  if (!response.ok) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw new HieError('ENGINE_ERROR', `The engine answered ${response.status}: ${outcomeText(body)}`, { status: response.status });
  }
  return text;
}

async function request(baseUrl: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>): Promise<Response> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  try {
    return await fetch(url, { method, headers });
  } catch {
    throw new HieError('ENGINE_UNREACHABLE', `Cannot reach the engine at ${url.origin}`);
  }
}

function outcomeText(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'issue' in body && Array.isArray(body.issue)) {
    return body.issue
      .map((i: unknown) => {
        if (typeof i !== 'object' || i === null) return '';
        const issue = i as { diagnostics?: string; details?: { text?: string }; code?: string };
        return issue.diagnostics ?? issue.details?.text ?? issue.code ?? '';
      })
      .join('; ');
  }
  return 'no details';
}

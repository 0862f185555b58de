import { HieError } from '@hie/common';

/** Calls the engine's HTTP API; errors carry the status and the outcome's text only. */
export async function callEngine<T>(baseUrl: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { accept: 'application/json, application/fhir+json' } });
  } catch {
    throw new HieError('ENGINE_UNREACHABLE', `Cannot reach the engine at ${url.origin}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new HieError('ENGINE_ERROR', `The engine answered ${response.status}: ${outcomeText(body)}`, { status: response.status });
  }
  return body as T;
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

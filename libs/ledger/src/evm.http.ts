import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { makeError, type FetchGetUrlFunc, type GetUrlResponse } from 'ethers';

/** Reused keep-alive sockets tried per request before giving up (each failure drops one stale socket). */
const MAX_STALE_RETRIES = 8;

/** The HTTP transport of one JSON-RPC connection: its own keep-alive pool, released on close. */
export interface RpcTransport {
  getUrl: FetchGetUrlFunc;
  destroy(): void;
}

/**
 * ethers' Node transport, fixed for a ledger that must ride out node restarts:
 * - a keep-alive socket whose server went away is only found dead when it is reused (Node does
 *   not read idle sockets), so after a restart every pooled socket fails once with ECONNRESET.
 *   A request that failed on a REUSED socket is retried (Node's documented `reusedSocket`
 *   pattern); a fresh connection that fails is a real failure and is reported.
 * - a timed-out request is destroyed (ethers only rejects, leaving the socket held forever by
 *   a hung node).
 */
export function createRpcTransport(): RpcTransport {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  const once = (url: URL, method: string, headers: Record<string, string>, body: Uint8Array | null, timeoutMillis: number) =>
    new Promise<{ response: GetUrlResponse } | { error: Error; reused: boolean }>((resolve) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http });
      request.setTimeout(timeoutMillis, () => request.destroy(makeError('request timeout', 'TIMEOUT')));
      request.on('error', (error) => resolve({ error, reused: request.reusedSocket }));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => resolve({ error, reused: false }));
        response.on('end', () => {
          let bytes: Buffer = Buffer.concat(chunks);
          try {
            if (response.headers['content-encoding'] === 'gzip' && bytes.length > 0) bytes = gunzipSync(bytes);
          } catch {
            resolve({ error: Object.assign(new Error('bad response data (gzip)'), { code: 'SERVER_ERROR' }), reused: false });
            return;
          }
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({
            response: {
              statusCode: response.statusCode ?? 0,
              statusMessage: response.statusMessage ?? '',
              headers: flat,
              body: bytes.length > 0 ? new Uint8Array(bytes) : null,
            },
          });
        });
      });
      request.end(body ? Buffer.from(body) : undefined);
    });

  const getUrl: FetchGetUrlFunc = async (req) => {
    const url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw makeError(`unsupported protocol ${url.protocol}`, 'UNSUPPORTED_OPERATION', { operation: 'request' });
    }
    const headers = Object.fromEntries(Object.entries(req.headers));
    for (let attempt = 1; ; attempt++) {
      const result = await once(url, req.method, headers, req.body ?? null, req.timeout);
      if ('response' in result) return result.response;
      if (!result.reused || !isReset(result.error) || attempt > MAX_STALE_RETRIES) throw result.error;
    }
  };

  return {
    getUrl,
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** What a dead keep-alive socket fails with on reuse (a timeout is not that, and is not retried). */
function isReset(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

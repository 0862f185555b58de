import { readFile } from 'node:fs/promises';

/** What one `POST /cda` gave: the HTTP status as text (`202`, `400`...) or `no answer`. */
export type CdaSendResult = string;

/**
 * Sends documents to `POST {baseUrl}/cda`, `parallel` requests at a time; calls `record` with
 * each file's status as it arrives. Files are read one at a time as they are sent, so a folder
 * of large documents is never all in memory.
 */
export async function sendDocuments(
  baseUrl: string,
  files: readonly string[],
  parallel: number,
  record: (file: string, status: CdaSendResult) => void,
): Promise<void> {
  const url = new URL('cda', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      record(file, await postOne(url, file));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, files.length)) }, lane));
}

async function postOne(url: URL, file: string): Promise<CdaSendResult> {
  try {
    const body = await readFile(file);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cda+xml' }, body: new Uint8Array(body) });
    await response.arrayBuffer();
    return String(response.status);
  } catch {
    return 'no answer';
  }
}

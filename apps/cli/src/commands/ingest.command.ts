import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MllpClient } from '@hie/transport';
import { readAck } from '../support/ack.reader.js';
import { findCdaFiles } from '../support/cda-files.js';
import { sendDocuments } from '../support/cda.sender.js';
import type { CliContext } from '../support/cli-context.js';
import { findHl7Files } from '../support/hl7-files.finder.js';
import { splitMessages } from '../support/hl7-file.splitter.js';
import { ProgressBar } from '../support/progress-bar.js';
import { defaultUrl } from './reprocess.command.js';
import { port } from './send.command.js';

interface Item {
  file: string;
  message: Buffer;
}

/** Messages in flight per connection: enough to hide the round trip, few enough to be polite. */
const WINDOW = 8;

/**
 * `hie ingest DIR`: sends every .hl7 file under DIR over several MLLP connections and every CDA
 * document (.xml, .ccda, .cda) to `POST /cda`, with a progress bar on stderr and a summary on
 * stdout (sent, AA/AE/AR and HTTP statuses, rate, failures by file).
 */
export function registerIngestCommand(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('send every .hl7 file under a folder over MLLP and every CDA document (.xml, .ccda, .cda) over HTTP, with progress and a summary')
    .argument('<dir>', 'folder to send')
    .option('--host <host>', 'engine MLLP host', ctx.config.mllp.host)
    .option('--port <port>', 'engine MLLP port', String(ctx.config.mllp.port))
    .option('--url <url>', 'engine HTTP base URL (for CDA documents)', defaultUrl(ctx))
    .option('--connections <n>', 'parallel MLLP connections (and parallel HTTP requests)', '4')
    .action(async (dir: string, options: { host: string; port: string; url: string; connections: string }) => {
      const connections = Number(options.connections);
      if (!Number.isInteger(connections) || connections < 1 || connections > 256) throw new Error('--connections must be from 1 to 256');
      const items: Item[] = [];
      for (const file of await findHl7Files(dir)) {
        for (const message of splitMessages(await readFile(file))) items.push({ file, message });
      }
      const documents = await findCdaFiles(dir);
      const counts = new Map<string, number>();
      const statuses = new Map<string, number>();
      const failuresByFile = new Map<string, number>();
      const bar = new ProgressBar(items.length + documents.length, ctx.stderr);
      const started = Date.now();
      const fail = (file: string): void => void failuresByFile.set(file, (failuresByFile.get(file) ?? 0) + 1);
      let next = 0;
      const take = (): Item | undefined => items[next++];
      const record = (item: Item, code: string): void => {
        counts.set(code, (counts.get(code) ?? 0) + 1);
        if (code !== 'AA' && code !== 'CA') fail(item.file);
        bar.tick();
      };
      const recordDocument = (file: string, status: string): void => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== '202') fail(file);
        bar.tick();
      };
      await Promise.all([
        items.length > 0
          ? Promise.all(Array.from({ length: Math.min(connections, items.length) }, () => sendOn(options.host, port(options.port), take, record)))
          : Promise.resolve(),
        sendDocuments(options.url, documents, connections, recordDocument),
      ]);
      bar.finish();
      const seconds = (Date.now() - started) / 1000;
      const c = (code: string): number => counts.get(code) ?? 0;
      const other = items.length - c('AA') - c('AE') - c('AR');
      const files = new Set([...items.map((i) => i.file), ...documents]).size;
      const total = items.length + documents.length;
      ctx.stdout.write(
        `sent ${items.length} messages${documents.length > 0 ? ` and ${documents.length} CDA documents` : ''} from ${files} files in ${seconds.toFixed(1)} s ` +
          `(${Math.round(total / Math.max(seconds, 0.001))} msg/s)\n` +
          `AA ${c('AA')}  AE ${c('AE')}  AR ${c('AR')}${other > 0 ? `  other/no answer ${other}` : ''}\n`,
      );
      if (documents.length > 0) {
        const byStatus = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} ${n}`).join('  ');
        ctx.stdout.write(`CDA documents (HTTP status): ${byStatus}\n`);
      }
      if (failuresByFile.size > 0) {
        ctx.exitCode = 1;
        ctx.stdout.write('not accepted, by file:\n');
        for (const [file, n] of [...failuresByFile].sort()) ctx.stdout.write(`  ${file}: ${n}\n`);
      }
    });
}

/** One connection: keeps up to WINDOW messages in flight until the list is empty. */
async function sendOn(host: string, portNumber: number, take: () => Item | undefined, record: (item: Item, code: string) => void): Promise<void> {
  const client = await MllpClient.connect(host, portNumber);
  try {
    const lane = async (): Promise<void> => {
      for (let item = take(); item; item = take()) {
        const current = item;
        const code = await client.send(current.message).then((ack) => readAck(ack).code, () => 'no answer');
        record(current, code);
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, lane));
  } finally {
    await client.close();
  }
}

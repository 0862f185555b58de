import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MllpClient } from '@hie/transport';
import { readAck } from '../support/ack.reader.js';
import type { CliContext } from '../support/cli-context.js';
import { splitMessages } from '../support/hl7-file.splitter.js';

/** `hie send FILE...`: sends every message over MLLP and prints each ACK's MSA (and ERR). */
export function registerSendCommand(program: Command, ctx: CliContext): void {
  program
    .command('send')
    .description('send HL7 v2 files over MLLP and print the ACKs')
    .argument('<files...>', 'HL7 v2 files (several messages per file allowed)')
    .option('--host <host>', 'engine MLLP host', ctx.config.mllp.host)
    .option('--port <port>', 'engine MLLP port', String(ctx.config.mllp.port))
    .action(async (files: string[], options: { host: string; port: string }) => {
      const client = await MllpClient.connect(options.host, port(options.port));
      try {
        for (const file of files) {
          const messages = splitMessages(await readFile(file));
          for (const [i, message] of messages.entries()) {
            const ack = readAck(await client.send(message));
            if (ack.code !== 'AA' && ack.code !== 'CA') ctx.exitCode = 1;
            const where = messages.length > 1 ? `${file}#${i + 1}` : file;
            ctx.stdout.write(`${where}: ${ack.msa}\n`);
            for (const err of ack.errors) ctx.stdout.write(`  ${err}\n`);
          }
        }
      } finally {
        await client.close();
      }
    });
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error('--port must be an integer from 1 to 65535');
  return n;
}

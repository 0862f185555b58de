import type { Command } from 'commander';
import type { CliContext } from '../support/cli-context.js';
import { callEngine } from '../support/engine-http.client.js';
import { defaultUrl } from './reprocess.command.js';

interface Summary {
  id: string;
  receivedAt: string;
  status: string;
  messageType?: string;
  sizeBytes: number;
  outcome?: { issue?: { details?: { text?: string; coding?: { code?: string }[] } }[] };
}

/** `hie messages [--status failed]`: lists the message store, newest first. */
export function registerMessagesCommand(program: Command, ctx: CliContext): void {
  program
    .command('messages')
    .description('list the message store (newest first)')
    .option('--status <status>', 'received, converted or failed')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .option('--url <url>', 'engine HTTP base URL', defaultUrl(ctx))
    .action(async (options: { status?: string; limit: string; json?: boolean; url: string }) => {
      const query = new URLSearchParams({ limit: options.limit, ...(options.status ? { status: options.status } : {}) });
      const list = await callEngine<Summary[]>(options.url, 'GET', `messages?${query}`);
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      for (const m of list) {
        const issue = m.outcome?.issue?.[0];
        const reason = issue ? `  ${issue.details?.coding?.[0]?.code ?? ''} ${issue.details?.text ?? ''}`.trimEnd() : '';
        ctx.stdout.write(`${m.id}  ${m.receivedAt}  ${m.status.padEnd(9)}  ${(m.messageType ?? '-').padEnd(9)}  ${m.sizeBytes} B${reason}\n`);
      }
      ctx.stdout.write(`${list.length} messages\n`);
    });
}

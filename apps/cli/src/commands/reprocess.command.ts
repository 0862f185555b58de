import type { Command } from 'commander';
import type { CliContext } from '../support/cli-context.js';
import { callEngine } from '../support/engine-http.client.js';

/** `hie reprocess ID... | --status failed`: converts messages again through the engine's API. */
export function registerReprocessCommand(program: Command, ctx: CliContext): void {
  program
    .command('reprocess')
    .description('convert messages again (after a mapping fix), by id or all failed ones')
    .argument('[ids...]', 'message ids')
    .option('--status <status>', 'reprocess every message with this status (failed)')
    .option('--url <url>', 'engine HTTP base URL', defaultUrl(ctx))
    .action(async (ids: string[], options: { status?: string; url: string }) => {
      if ((ids.length === 0) === (options.status === undefined)) throw new Error('give message ids or --status failed (not both)');
      if (options.status !== undefined) {
        const { count } = await callEngine<{ count: number }>(options.url, 'POST', `messages/$reprocess?status=${encodeURIComponent(options.status)}`);
        ctx.stdout.write(`queued ${count} messages again\n`);
        return;
      }
      for (const id of ids) {
        const { count } = await callEngine<{ count: number }>(options.url, 'POST', `messages/${encodeURIComponent(id)}/$reprocess`);
        ctx.stdout.write(`${id}: ${count > 0 ? 'queued again' : 'unchanged'}\n`);
      }
    });
}

export function defaultUrl(ctx: CliContext): string {
  return `http://${ctx.config.http.host}:${ctx.config.http.port}`;
}

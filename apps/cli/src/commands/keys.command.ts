import type { Command } from 'commander';
import { rotateKeys } from '@hie/pipeline';
import { openDatabase } from '@hie/store';
import type { CliContext } from '../support/cli-context.js';

/** `hie keys rotate`: new key-encryption key, data keys re-wrapped (run where the keyring file is). */
export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('key management (the local keyring and the data keys it wraps)');
  keys
    .command('rotate')
    .description('create a new key-encryption key and re-wrap every data key under it (no data is re-encrypted)')
    .action(async () => {
      const dataSource = await openDatabase(ctx.config.database);
      try {
        const { kekId, rewrapped } = await rotateKeys(ctx.config.protect, dataSource);
        ctx.stdout.write(`new key-encryption key ${kekId}; ${rewrapped} data keys re-wrapped\n`);
      } finally {
        await dataSource.destroy();
      }
    });
}

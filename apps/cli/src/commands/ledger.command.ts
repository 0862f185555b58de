import type { Command } from 'commander';
import { loadEvmDeployKey } from '@hie/config';
import { deployLedgerContract } from '@hie/ledger';
import { checkEmbeddedLedger } from '@hie/pipeline';
import { openDatabase } from '@hie/store';
import type { CliContext } from '../support/cli-context.js';

/** `hie ledger deploy` (the EVM contract) and `hie ledger check` (the embedded ledger's hash chain). */
export function registerLedgerCommand(program: Command, ctx: CliContext): void {
  const ledger = program.command('ledger').description('the chain adapter: deploy the EVM contract, check the embedded ledger');
  ledger
    .command('deploy')
    .description('deploy the HieLedger contract (deployer key from HIE_EVM_PRIVATE_KEY); prints its address for HIE_EVM_CONTRACT')
    .requiredOption('--rpc <url>', 'JSON-RPC URL of the node')
    .action(async (options: { rpc: string }) => {
      // The key comes from HIE_EVM_PRIVATE_KEY, never from argv (which `ps` shows to everyone).
      const address = await deployLedgerContract({ rpcUrl: options.rpc, privateKey: loadEvmDeployKey() });
      ctx.stdout.write(`${address}\n`);
    });
  ledger
    .command('check')
    .description("re-compute every hash link and signature of the embedded ledger")
    .action(async () => {
      const dataSource = await openDatabase(ctx.config.database);
      try {
        const result = await checkEmbeddedLedger(ctx.config.protect, dataSource);
        if (result.ok) ctx.stdout.write(`embedded ledger intact: ${result.entries} entries\n`);
        else {
          ctx.stdout.write(`embedded ledger BROKEN at entry ${result.seq}: ${result.reason}\n`);
          ctx.exitCode = 1;
        }
      } finally {
        await dataSource.destroy();
      }
    });
}

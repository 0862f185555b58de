import type { Command } from 'commander';
import { HieError } from '@hie/common';
import type { CliContext } from '../support/cli-context.js';
import { callEngine } from '../support/engine-http.client.js';
import { defaultUrl } from './reprocess.command.js';

/** The engine's answer to an erasure (counts and ids only). */
interface ErasureAnswer {
  erasureId: string;
  dataKeysDestroyed: number;
  resourcesDeleted: number;
  messagesRedacted: number;
  ledgerTx?: string;
}

/** `hie patient erase ID`: crypto-shredding through the engine's admin endpoint. */
export function registerPatientCommand(program: Command, ctx: CliContext): void {
  const patient = program.command('patient').description('patient-level operations');
  patient
    .command('erase')
    .description("destroy a patient's data key (every ciphertext becomes unreadable) and delete their FHIR resources")
    .argument('<id>', 'the Patient resource id')
    .option('--url <url>', 'engine HTTP base URL', defaultUrl(ctx))
    .option('--token <token>', 'admin token (default: HIE_ADMIN_TOKEN)')
    .action(async (id: string, options: { url: string; token?: string }) => {
      const token = options.token ?? ctx.config.adminToken;
      if (!token) throw new HieError('CLI_ADMIN_TOKEN', 'Erasure needs the admin token: set HIE_ADMIN_TOKEN or pass --token');
      const answer = await callEngine<ErasureAnswer>(options.url, 'POST', `admin/Patient/${encodeURIComponent(id)}/$erase`, {
        authorization: `Bearer ${token}`,
      });
      ctx.stdout.write(
        `erasure ${answer.erasureId}: ${answer.dataKeysDestroyed} data keys destroyed (their ciphertexts are unreadable), ` +
          `${answer.resourcesDeleted} resources deleted, ${answer.messagesRedacted} raw messages redacted; ` +
          `${answer.ledgerTx ? `recorded on the ledger (${answer.ledgerTx})` : 'NOT yet recorded on the ledger (it was unreachable)'}\n`,
      );
    });
}

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { HieError } from '@hie/common';
import { loadConfig } from '@hie/config';
import { registerConvertCommand } from './commands/convert.command.js';
import { registerIngestCommand } from './commands/ingest.command.js';
import { registerKeysCommand } from './commands/keys.command.js';
import { registerLedgerCommand } from './commands/ledger.command.js';
import { registerDicomCommand } from './commands/dicom.command.js';
import { registerPatientCommand } from './commands/patient.command.js';
import { registerVerifyCommand } from './commands/verify.command.js';
import { registerMessagesCommand } from './commands/messages.command.js';
import { registerReprocessCommand } from './commands/reprocess.command.js';
import { registerSendCommand } from './commands/send.command.js';
import type { CliContext } from './support/cli-context.js';

/** Runs the `hie` command; resolves to the process exit code. */
export async function runCli(
  argv: readonly string[],
  options: { packageRoot: string; stdout?: CliContext['stdout']; stderr?: CliContext['stderr'] },
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const ctx: CliContext = { config: loadConfig(), packageRoot: options.packageRoot, stdout: options.stdout ?? process.stdout, stderr, exitCode: 0 };
  const program = new Command('hie')
    .description('HIE engine command line: convert, send and ingest HL7 v2 and CDA documents; send and de-identify DICOM; inspect and reprocess messages; verify records, erase patients, rotate keys')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (t) => void ctx.stdout.write(t), writeErr: (t) => void stderr.write(t) });
  registerConvertCommand(program, ctx);
  registerSendCommand(program, ctx);
  registerIngestCommand(program, ctx);
  registerReprocessCommand(program, ctx);
  registerMessagesCommand(program, ctx);
  registerVerifyCommand(program, ctx);
  registerPatientCommand(program, ctx);
  registerKeysCommand(program, ctx);
  registerLedgerCommand(program, ctx);
  registerDicomCommand(program, ctx);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Messages of our errors carry no message content; others are I/O errors (paths, ports).
    const code = error instanceof HieError ? ` (${error.code})` : '';
    stderr.write(`hie: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    return 1;
  }
  return ctx.exitCode;
}

/** Run directly (`node dist/.../main.js`) as well as through bin/hie.js. */
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packageRoot = fileURLToPath(new URL('../../../../../../', import.meta.url));
  process.exitCode = await runCli(process.argv, { packageRoot });
}

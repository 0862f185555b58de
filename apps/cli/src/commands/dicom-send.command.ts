import type { Command } from 'commander';
import { HieError } from '@hie/common';
import type { CliContext } from '../support/cli-context.js';
import { cStoreFiles } from './dicom-cstore.sender.js';
import { findDicomFiles } from './dicom-files.finder.js';
import { stowFiles } from './dicom-stow.sender.js';
import { port } from './send.command.js';

interface SendOptions {
  host: string;
  port: string;
  aet: string;
  calledAet: string;
  stow?: string;
}

/**
 * `hie dicom send PATH... [--host] [--port] [--aet] [--called-aet]`: C-STORE over one
 * association; `--stow URL`: STOW-RS, one request per file. One line per instance (file name
 * and status, never a value); exit 1 when any was not stored.
 */
export function registerDicomSendCommand(dicom: Command, ctx: CliContext): void {
  dicom
    .command('send')
    .description('send DICOM files (or directories, recursively) to the engine by C-STORE, or by STOW-RS with --stow; prints one status line per file')
    .argument('<paths...>', 'DICOM Part 10 files or directories (*.dcm and files with a DICOM preamble)')
    .option('--host <host>', 'Storage SCP host', ctx.config.dicom.host || '127.0.0.1')
    .option('--port <port>', 'Storage SCP port', String(ctx.config.dicom.port || 11112))
    .option('--aet <aet>', 'our (calling) AE title', 'HIE_SCU')
    .option('--called-aet <aet>', "the SCP's (called) AE title", ctx.config.dicom.aeTitle)
    .option('--stow <url>', 'send by STOW-RS to this URL instead (e.g. http://127.0.0.1:8080/dicomweb/studies)')
    .action(async (paths: string[], options: SendOptions) => {
      const files = await findDicomFiles(paths);
      if (files.length === 0) throw new HieError('CLI_NO_DICOM_FILES', 'No DICOM files found (*.dcm, or files with a DICOM preamble)');
      const failed = options.stow
        ? await stowFiles(files, options.stow, ctx.stdout)
        : await cStoreFiles(files, { host: options.host, port: port(options.port), callingAe: aeTitle(options.aet, '--aet'), calledAe: aeTitle(options.calledAet, '--called-aet') }, ctx.stdout);
      if (failed > 0) ctx.exitCode = 1;
    });
}

/** AE titles are 1 to 16 characters of the default repertoire, no backslash (PS3.5 6.2). */
function aeTitle(value: string, option: string): string {
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(value) || value.trim() === '') throw new HieError('CLI_BAD_AE_TITLE', `${option} must be 1 to 16 printable characters, no backslash`);
  return value;
}

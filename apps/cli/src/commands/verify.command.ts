import type { Command } from 'commander';
import { InvalidInputError } from '@hie/common';
import type { CliContext } from '../support/cli-context.js';
import { callEngineText } from '../support/engine-http.client.js';
import { defaultUrl } from './reprocess.command.js';

const TARGET = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([1-9]\d{0,8}))?$/;

/**
 * `hie verify TYPE/ID[/_history/N]`: asks the engine to prove a record untampered; exit 1 when it
 * cannot. `DicomInstance/<SOP Instance UID>` verifies a stored DICOM instance (its newest version).
 */
export function registerVerifyCommand(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('prove a stored FHIR resource or DICOM instance untampered: its hash, ciphertext, Merkle proof and the root on the ledger')
    .argument('<target>', 'TYPE/ID or TYPE/ID/_history/VERSION, e.g. Patient/3f2a..., or DicomInstance/<SOP Instance UID>')
    .option('--url <url>', 'engine HTTP base URL', defaultUrl(ctx))
    .action(async (target: string, options: { url: string }) => {
      const match = TARGET.exec(target);
      if (!match) throw new InvalidInputError('CLI_TARGET', 'Give the record as TYPE/ID or TYPE/ID/_history/VERSION');
      const [, type, id, version] = match;
      if (type === 'DicomInstance' && version) {
        throw new InvalidInputError('CLI_TARGET', 'Give a DICOM instance as DicomInstance/<SOP Instance UID>: its newest version is verified');
      }
      const path =
        type === 'DicomInstance'
          ? `dicomweb/instances/${id}/$verify?_format=text`
          : `fhir/${type}/${id}${version ? `/_history/${version}` : ''}/$verify?_format=text`;
      const text = await callEngineText(options.url, path);
      ctx.stdout.write(text);
      if (!/: VERIFIED$/m.test(text.split('\n')[0] ?? '')) ctx.exitCode = 1;
    });
}

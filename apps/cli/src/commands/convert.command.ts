import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createR4Validator } from '@hie/fhir';
import { Hl7Conversion, loadMappings } from '@hie/pipeline';
import type { CliContext } from '../support/cli-context.js';
import { splitMessages } from '../support/hl7-file.splitter.js';

/**
 * `hie convert FILE`: the FHIR Bundle for an HL7 v2 file, without a server or a database.
 * Several messages in the file give a JSON array of Bundles. Exit 1 with the
 * OperationOutcome when a message does not convert.
 */
export function registerConvertCommand(program: Command, ctx: CliContext): void {
  program
    .command('convert')
    .description('print the FHIR R4 Bundle for an HL7 v2 file (no server needed)')
    .argument('<file>', 'HL7 v2 file')
    .action(async (file: string) => {
      const conversion = Hl7Conversion.fromConfig(await loadMappings(mappingsDir(ctx)), createR4Validator(), ctx.config);
      const raw = await readFile(file);
      const messages = splitMessages(raw);
      const results = (messages.length > 0 ? messages : [raw]).map((m) => conversion.convert(m, { receivedAt: new Date() }));
      const output = results.map((r) => (r.ok ? r.bundle : r.outcome));
      if (results.some((r) => !r.ok)) ctx.exitCode = 1;
      ctx.stdout.write(`${JSON.stringify(output.length === 1 ? output[0] : output, null, 2)}\n`);
    });
}

/** HIE_MAPPINGS_DIR, or ./mappings when present, or the package's own mappings. */
function mappingsDir(ctx: CliContext): string {
  return existsSync(ctx.config.mappingsDir) ? ctx.config.mappingsDir : join(ctx.packageRoot, 'mappings');
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createR4Validator } from '@hie/fhir';
import { CdaConversion, ConversionDispatcher, Hl7Conversion, loadCdaMappings, loadMappings } from '@hie/pipeline';
import { isCdaFile } from '../support/cda-files.js';
import type { CliContext } from '../support/cli-context.js';
import { splitMessages } from '../support/hl7-file.splitter.js';

/**
 * `hie convert FILE`: the FHIR Bundle for an HL7 v2 file or a CDA document, without a server or
 * a database. HL7 v2: the transaction Bundle (several messages in the file give a JSON array);
 * an MDM carrying a CDA and a CDA file (`.xml`, `.ccda`, `.cda`): the FHIR document Bundle.
 * Exit 1 with the OperationOutcome when something does not convert.
 */
export function registerConvertCommand(program: Command, ctx: CliContext): void {
  program
    .command('convert')
    .description('print the FHIR R4 Bundle for an HL7 v2 file or a CDA document (.xml, .ccda, .cda); no server needed')
    .argument('<file>', 'HL7 v2 file or CDA document')
    .action(async (file: string) => {
      const raw = await readFile(file);
      const output = isCdaFile(file) ? await convertCda(raw, ctx) : await convertHl7(raw, ctx);
      ctx.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    });
}

async function convertHl7(raw: Buffer, ctx: CliContext): Promise<unknown> {
  const dir = mappingsDir(ctx);
  const validator = createR4Validator();
  // The worker's dispatcher, so an MDM carrying a CDA converts here as it does in the engine.
  const conversion = new ConversionDispatcher(
    Hl7Conversion.fromConfig(await loadMappings(dir), validator, ctx.config),
    CdaConversion.fromConfig(await loadCdaMappings(dir), validator, ctx.config),
    ctx.config.limits.maxMessageBytes,
  );
  const messages = splitMessages(raw);
  const results = (messages.length > 0 ? messages : [raw]).map((m) => conversion.convert(m, { receivedAt: new Date() }));
  const output = results.map((r) => (!r.ok ? r.outcome : 'document' in r ? r.document : r.bundle));
  if (results.some((r) => !r.ok)) ctx.exitCode = 1;
  return output.length === 1 ? output[0] : output;
}

async function convertCda(raw: Buffer, ctx: CliContext): Promise<unknown> {
  const conversion = CdaConversion.fromConfig(await loadCdaMappings(mappingsDir(ctx)), createR4Validator(), ctx.config);
  const result = conversion.convert(raw);
  if (!result.ok) {
    ctx.exitCode = 1;
    return result.outcome;
  }
  return result.document;
}

/** HIE_MAPPINGS_DIR, or ./mappings when present, or the package's own mappings. */
function mappingsDir(ctx: CliContext): string {
  return existsSync(ctx.config.mappingsDir) ? ctx.config.mappingsDir : join(ctx.packageRoot, 'mappings');
}

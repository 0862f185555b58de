import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { HieError } from '@hie/common';
import { deidentifyPart10WithSummary, parseDeidentifyProfile } from '@hie/dicom';
import type { CliContext } from '../support/cli-context.js';
import { registerDicomSendCommand } from './dicom-send.command.js';

/** The profile table, under the mappings directory. */
const PROFILE_FILE = join('dicom', 'deidentify-basic-profile.yaml');

/**
 * `hie dicom deidentify FILE [--out OUT]`: a de-identified copy of a DICOM Part 10 file
 * (PS3.15 Basic Application Level Confidentiality Profile, Retain UIDs off; the table is
 * mappings/dicom/deidentify-basic-profile.yaml). New UIDs are keyed by HIE_ID_SECRET, so the
 * files of one study keep one new Study UID. Prints one line of counts, never a value.
 * `hie dicom send` is in dicom-send.command.ts.
 */
export function registerDicomCommand(program: Command, ctx: CliContext): void {
  const dicom = program.command('dicom').description('DICOM tools: de-identify files; send them to the engine (C-STORE or STOW-RS)');
  registerDicomSendCommand(dicom, ctx);
  dicom
    .command('deidentify')
    .description('write a de-identified copy of a DICOM file (PS3.15 Basic Profile, new UIDs keyed by HIE_ID_SECRET); prints counts only')
    .argument('<file>', 'DICOM Part 10 file')
    .option('--out <out>', 'output file (default: <name>.deid.dcm next to FILE)')
    .action(async (file: string, options: { out?: string }) => {
      const out = options.out ?? defaultOutput(file);
      if (resolve(out) === resolve(file)) throw new HieError('CLI_OUTPUT_IS_INPUT', 'The output would overwrite the input: pass another --out');
      const profile = parseDeidentifyProfile(await readFile(join(mappingsDir(ctx), PROFILE_FILE), 'utf8'));
      const { bytes, summary } = deidentifyPart10WithSummary(await readFile(file), { uidSecret: ctx.config.idSecret, profile });
      await writeFile(out, bytes);
      ctx.stdout.write(
        `${out}: ${summary.removed} removed, ${summary.emptied} emptied, ${summary.replaced} replaced by dummies, ` +
          `${summary.uidsReplaced} UIDs replaced, ${summary.privateRemoved} private removed (${profile.name})\n`,
      );
    });
}

/** `dir/name.dcm` → `dir/name.deid.dcm`; a name without `.dcm` gets `.deid.dcm` appended. */
function defaultOutput(file: string): string {
  const name = basename(file);
  const stem = extname(name).toLowerCase() === '.dcm' ? name.slice(0, -4) : name;
  return join(dirname(file), `${stem}.deid.dcm`);
}

/** HIE_MAPPINGS_DIR, or ./mappings when present, or the package's own mappings (as `hie convert`). */
function mappingsDir(ctx: CliContext): string {
  return existsSync(join(ctx.config.mappingsDir, PROFILE_FILE)) ? ctx.config.mappingsDir : join(ctx.packageRoot, 'mappings');
}

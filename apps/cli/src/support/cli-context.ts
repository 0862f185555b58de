import type { HieConfig } from '@hie/config';
import type { ProgressOutput } from './progress-bar.js';

/** What every command gets: configuration, where the package lives, and its outputs. */
export interface CliContext {
  readonly config: HieConfig;
  /** The installed package's root (holds the default `mappings/`). */
  readonly packageRoot: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressOutput;
  /** Set by a command to report failure without throwing. */
  exitCode: number;
}

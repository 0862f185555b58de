import { Logger } from '@nestjs/common';
import { loadConfig } from '@hie/config';
import { startEngine } from './engine.bootstrap.js';

/** `npm start`: configuration from the environment, embedded defaults when none. */
async function main(): Promise<void> {
  const config = loadConfig();
  await startEngine(config, { shutdownHooks: true });
}

main().catch((error: unknown) => {
  // Boot errors are configuration or infrastructure problems: name and code, no values.
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  new Logger('Engine').error(`failed to start: ${error instanceof Error ? error.message : String(error)}${code ? ` (${String(code)})` : ''}`);
  process.exit(1);
});

#!/usr/bin/env node
// The `hie` command: runs the built CLI (`npm run build`, done by `prepare` on install).
import { fileURLToPath } from 'node:url';
import { runCli } from '../dist/apps/cli/apps/cli/src/main.js';

process.exitCode = await runCli(process.argv, { packageRoot: fileURLToPath(new URL('..', import.meta.url)) });

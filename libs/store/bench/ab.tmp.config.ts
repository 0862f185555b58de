import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../../vitest.config.js';
const old = process.env['STORE_IMPL'] === 'old';
const alias = (root.resolve!.alias as { find: RegExp; replacement: string }[]).map((a) =>
  old && String(a.find) === String(/^@hie\/store$/) ? { find: a.find, replacement: '/tmp/store-old/libs/store/src/index.ts' } : a);
export default defineConfig({
  ...root,
  resolve: { alias },
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: { ...root.test, include: ['libs/store/bench/**/*.measure.ts'], ...(process.env['PROF'] ? { execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] } : {}) },
});

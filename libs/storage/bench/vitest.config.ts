import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../../vitest.config.js';

/** Runs the content store's throughput measurements (`*.measure.ts`), which `npm test` leaves out. */
export default defineConfig({
  ...root,
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: { ...root.test, include: ['libs/storage/bench/**/*.measure.ts'] },
});

import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const libs = ['common', 'config', 'hl7v2', 'cda', 'dicom', 'fhir', 'mapping', 'store', 'queue', 'transport', 'crypto', 'storage', 'ledger', 'pipeline'];
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: libs.map((lib) => ({
      find: new RegExp(`^@hie/${lib}$`),
      replacement: `${root}libs/${lib}/src/index.ts`,
    })),
  },
  // Oxc emits decorator metadata, so Nest DI by type and TypeORM columns work without SWC.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds dist/ once when end-to-end tests (which run the built engine) are selected.
    globalSetup: ['test/support/global-setup.ts'],
    // CI asks for a JSON report too, so .ci/run can print the counts it read from the runner.
    reporters: process.env.HIE_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.HIE_TEST_REPORT }]]
      : ['default'],
  },
});

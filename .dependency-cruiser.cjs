/**
 * Keeps DESIGN.md's import picture true: imports point down the layer list,
 * format libs stay pure, libs are reached only through their index, apps never import apps.
 */
const layer = {
  common: 0,
  config: 1, hl7v2: 1, cda: 1, dicom: 1, fhir: 1,
  mapping: 2,
  store: 3, queue: 3, transport: 3, crypto: 3, storage: 3, ledger: 3, consent: 3,
  pipeline: 4,
};
const names = Object.keys(layer);
const forbidden = [];
for (const from of names) {
  for (const to of names) {
    if (from !== to && layer[to] >= layer[from]) {
      forbidden.push({
        name: `layer-${from}-may-not-import-${to}`,
        severity: 'error',
        from: { path: `^libs/${from}/` },
        to: { path: `^libs/${to}/` },
      });
    }
  }
}
module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'only-through-index',
      comment: 'Another lib is reached only through its src/index.ts.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: '^libs/$2/' },
    },
    {
      name: 'format-libs-are-pure',
      comment: 'hl7v2, cda, dicom, fhir and mapping do no I/O and know nothing of Nest.',
      severity: 'error',
      // Specs and their helpers (`*.spec-helpers.ts`, `testing/`) may read fixture files.
      from: { path: '^libs/(hl7v2|cda|dicom|fhir|mapping|common)/', pathNot: '(\\.spec\\.ts|\\.spec-helpers\\.ts|/testing/[^/]+\\.ts)$' },
      to: { path: '(^node_modules/(@nestjs|typeorm|bullmq|ioredis|pg|better-sqlite3)/|^(node:)?(net|http|https|child_process|fs|fs/promises)$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
  },
};

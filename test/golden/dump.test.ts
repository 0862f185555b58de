import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { it } from 'vitest';
import { createR4Validator } from '@hie/fhir';
import { duplicateIds, emptyElements, missingSourceValues, unresolvedReferences, type CodeTableData } from './bundle-rules.js';
import { fixtureNames, goldenOptions, mappingSet, readFixture, repoRoot } from './hl7v2-fixtures.js';
it.runIf(process.env['DUMP'])('dump', () => {
  const codesDir = join(repoRoot, 'mappings/hl7v2/codes');
  const tables: Record<string, CodeTableData> = Object.fromEntries(readdirSync(codesDir).map((f) => { const d = parse(readFileSync(join(codesDir, f), 'utf8')); return [d.table, { ...d, map: d.map ?? {} }]; }));
  const v = createR4Validator();
  const agg = new Map<string, string[]>();
  const add = (k: string, n: string) => { const l = agg.get(k) ?? []; l.push(n); agg.set(k, l); };
  for (const n of process.env['DUMP'] === 'all' ? fixtureNames() : [process.env['DUMP']!]) {
    const m = readFixture(n);
    const r = mappingSet().convert(m, goldenOptions);
    if (process.env['DUMP'] !== 'all') writeFileSync('/tmp/h3/out.json', JSON.stringify(r, null, 1));
    for (const i of v.validate(r.bundle)) if (i.severity === 'error') add(`VALID ${(i.expression ?? []).join(',').replace(/\[\d+\]/g, '[]')} ${i.diagnostics}`, n);
    for (const x of unresolvedReferences(r.bundle)) add(`REF ${x.split('/')[0]}`, n);
    for (const x of duplicateIds(r.bundle)) add(`DUP ${x.split('/')[0]}`, n);
    for (const x of emptyElements(r.bundle)) add(`EMPTY ${x.replace(/\[\d+\]/g, '[]')}`, n);
    for (const x of missingSourceValues(m, mappingSet().mappedSources(m), r, tables)) add(`MISS ${x}`, n);
  }
  writeFileSync('/tmp/h3/agg.txt', [...agg].map(([k, l]) => `${l.length}\t${k}\t${l.slice(0, 3).join(' ')}`).sort().join('\n'));
});

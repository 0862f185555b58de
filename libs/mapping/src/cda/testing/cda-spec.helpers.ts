/**
 * Helpers for the CDA specs (not exported from the lib: they read files). Tables come from
 * `mappings/cda/`, corpus documents from `fixtures/cda/` once copied there, else the shared corpus.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml, type XmlElement } from '@hie/cda';
import { CdaContext } from '../cda-context.js';
import { convertCdaDocument, type CdaConversionResult } from '../cda-document.converter.js';
import { loadCdaTables, type CdaTables } from '../cda-tables.js';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));
const MAPPINGS = join(REPO, 'mappings');
const SHARED_CORPUS = '/work/shared/corpus/cda/fhir-converter-main/input';

/** The id secret every CDA spec uses. */
export const SPEC_ID_SECRET = 'cda-spec-secret';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

let tables: CdaTables | undefined;

/** The tables of `mappings/cda/**` (loaded once per test file). */
export function specTables(): CdaTables {
  tables ??= loadCdaTables(
    walk(join(MAPPINGS, 'cda'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ path: relative(MAPPINGS, f).replace(/\\/g, '/'), text: readFileSync(f, 'utf8') })),
  );
  return tables;
}

/** The directory of the corpus documents. */
export function corpusDir(): string {
  const fixtures = join(REPO, 'fixtures', 'cda');
  if (existsSync(fixtures) && readdirSync(fixtures).some((f) => f.endsWith('.ccda'))) return fixtures;
  const nested = join(fixtures, 'input');
  if (existsSync(nested) && readdirSync(nested).some((f) => f.endsWith('.ccda'))) return nested;
  return SHARED_CORPUS;
}

/** Every corpus document's file name. */
export function corpusNames(): string[] {
  return readdirSync(corpusDir()).filter((f) => f.endsWith('.ccda')).sort();
}

/** A corpus document's bytes. */
export function corpusBytes(name: string): Buffer {
  return readFileSync(join(corpusDir(), name));
}

/** A corpus document, parsed. */
export function corpusDocument(name: string): XmlElement {
  return parseXml(corpusBytes(name));
}

/** Converts a corpus document with the spec tables and secret. */
export function convertCorpus(name: string): CdaConversionResult {
  const bytes = corpusBytes(name);
  const sha1Base64 = createHash('sha1').update(bytes).digest('base64');
  return convertCdaDocument(parseXml(bytes), { bytes, sha1Base64 }, specTables(), { idSecret: SPEC_ID_SECRET });
}

/** A context over a parsed document, as the converter makes one (for section mapper specs). */
export function specContext(document?: XmlElement): CdaContext {
  const ctx = new CdaContext(specTables(), { idSecret: SPEC_ID_SECRET, ...(document ? { document } : {}), documentKey: 'spec-doc' });
  ctx.patient = { reference: `Patient/${ctx.id('Patient', 'spec')}` };
  return ctx;
}

/** Every section element of a document (nested ones too), in document order. */
export function allSections(document: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === 'section') out.push(c);
      visit(c);
    }
  };
  visit(document);
  return out;
}

const NAMESPACES = 'xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sdtc="urn:hl7-org:sdtc"';

/** Parses one CDA fragment (its root element gets the CDA, xsi and sdtc namespaces). */
export function xml(fragment: string): XmlElement {
  const withNs = fragment.replace(/^\s*<([A-Za-z:]+)/, `<$1 ${NAMESPACES}`);
  return parseXml(new TextEncoder().encode(withNs));
}

/** Every `reference` string in a resource (nested anywhere). */
export function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}

/** References of a Bundle's resources that name no entry (`Type/id` against the entries' type and id). */
export function unresolvedReferences(bundle: { entry?: { resource?: { resourceType: string; id?: string } }[] }): string[] {
  const known = new Set((bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`));
  return (bundle.entry ?? []).flatMap((e) => referencesIn(e.resource).filter((r) => !r.startsWith('#') && !known.has(r)));
}

/** Paths of empty values (`""`, `[]`, `{}`) anywhere in a value: FHIR forbids them. */
export function emptyValues(value: unknown, path = ''): string[] {
  if (value === '' || (Array.isArray(value) && value.length === 0)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return [path];
    return entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  }
  return [];
}

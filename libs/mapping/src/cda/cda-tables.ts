import { MappingError } from '../mapping.errors.js';
import { isRecord, parseYamlMapping } from '../strict-yaml.reader.js';

/** The kind of a CDA section, which picks its mapper. */
export type SectionKind =
  | 'allergies'
  | 'medications'
  | 'problems'
  | 'procedures'
  | 'results'
  | 'vital-signs'
  | 'immunizations'
  | 'encounters'
  | 'social-history'
  | 'plan-of-treatment'
  | 'goals'
  | 'health-concerns'
  | 'functional-status'
  | 'mental-status'
  | 'family-history'
  | 'medical-equipment'
  | 'payers'
  | 'assessment'
  | 'notes'
  /** Any other section: Composition.section with its text only. */
  | 'narrative';

const SECTION_KINDS: ReadonlySet<string> = new Set<SectionKind>([
  'allergies', 'medications', 'problems', 'procedures', 'results', 'vital-signs', 'immunizations', 'encounters',
  'social-history', 'plan-of-treatment', 'goals', 'health-concerns', 'functional-status', 'mental-status',
  'family-history', 'medical-equipment', 'payers', 'assessment', 'notes', 'narrative',
]);

/** A section kind and what identifies it: C-CDA section template roots and LOINC section codes. */
export interface SectionRule {
  readonly kind: SectionKind;
  readonly loinc: readonly string[];
  readonly templateIds: readonly string[];
}

/** A document type (CCD, Discharge Summary...) and its document template roots and LOINC codes. */
export interface DocumentTypeRule {
  readonly kind: string;
  readonly loinc: readonly string[];
  readonly templateIds: readonly string[];
}

/** The CDA tables of `mappings/cda/`, loaded once and shared by every conversion. */
export interface CdaTables {
  /** OID → FHIR URI. */
  readonly codeSystems: ReadonlyMap<string, string>;
  readonly sections: readonly SectionRule[];
  readonly documentTypes: readonly DocumentTypeRule[];
  /** Value map by table name: code → code (the table's `default` when the code is unmapped). */
  valueMap(table: string, code: string | undefined): string | undefined;
  /** The FHIR code system of a value map's codes (its `target`), if it declares one. */
  valueSystem(table: string): string | undefined;
  /** The section kind for these template roots (first match wins) or, failing that, the LOINC code. */
  sectionKind(templateRoots: readonly string[], loinc: string | undefined): SectionKind;
  /** The document type for these template roots (the most specific: last listed), else 'unknown'. */
  documentType(templateRoots: readonly string[], loinc: string | undefined): string;
}

/** One table file: its path relative to `mappings/` (e.g. `cda/code-systems.yaml`) and its text. */
export interface CdaTableFile {
  readonly path: string;
  readonly text: string;
}

interface ValueTable {
  readonly map: ReadonlyMap<string, string>;
  readonly fallback: string | undefined;
  readonly target: string | undefined;
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * Parses and shape-checks the CDA tables. Files other than `cda/**` are ignored, so the caller
 * may pass every mapping file. Throws {@link MappingError} naming the file and key.
 */
export function loadCdaTables(files: readonly CdaTableFile[]): CdaTables {
  let codeSystems: Map<string, string> | undefined;
  let sections: SectionRule[] | undefined;
  let documentTypes: DocumentTypeRule[] | undefined;
  const values = new Map<string, ValueTable>();
  for (const f of files) {
    const path = f.path.replace(/\\/g, '/');
    if (!path.startsWith('cda/')) continue;
    const doc = parseYamlMapping(path, f.text);
    if (path === 'cda/code-systems.yaml') codeSystems = loadCodeSystems(path, doc);
    else if (path === 'cda/sections.yaml') sections = loadRules(path, doc, 'sections', true) as SectionRule[];
    else if (path === 'cda/document-types.yaml') documentTypes = loadRules(path, doc, 'documents', false);
    else {
      const m = /^cda\/codes\/([a-z0-9-]+)\.yaml$/.exec(path);
      if (!m) throw new MappingError(path, '', 'not a CDA table path (cda/code-systems.yaml, cda/sections.yaml, cda/document-types.yaml, cda/codes/<name>.yaml)');
      values.set(m[1]!, loadValueTable(path, m[1]!, doc));
    }
  }
  if (!codeSystems) throw new MappingError('cda/code-systems.yaml', '', 'missing');
  if (!sections) throw new MappingError('cda/sections.yaml', '', 'missing');
  return buildTables(codeSystems, sections, documentTypes ?? [], values);
}

function buildTables(
  codeSystems: ReadonlyMap<string, string>,
  sections: readonly SectionRule[],
  documentTypes: readonly DocumentTypeRule[],
  values: ReadonlyMap<string, ValueTable>,
): CdaTables {
  const sectionByTemplate = new Map<string, SectionKind>();
  const sectionByLoinc = new Map<string, SectionKind>();
  for (const s of sections) {
    for (const t of s.templateIds) if (!sectionByTemplate.has(t)) sectionByTemplate.set(t, s.kind);
    for (const l of s.loinc) if (!sectionByLoinc.has(l)) sectionByLoinc.set(l, s.kind);
  }
  // Later document rules win when a document carries the templates of several (none in C-CDA R2.1 does).
  const docByTemplate = new Map<string, { kind: string; rank: number }>();
  const docByLoinc = new Map<string, string>();
  documentTypes.forEach((d, rank) => {
    for (const t of d.templateIds) docByTemplate.set(t, { kind: d.kind, rank });
    for (const l of d.loinc) if (!docByLoinc.has(l)) docByLoinc.set(l, d.kind);
  });
  return {
    codeSystems,
    sections,
    documentTypes,
    valueMap(table, code) {
      const t = values.get(table);
      if (!t) throw new MappingError(`cda/codes/${table}.yaml`, '', 'value map used by a mapper but missing');
      if (code === undefined) return undefined;
      return t.map.get(code) ?? t.fallback;
    },
    valueSystem(table) {
      const t = values.get(table);
      if (!t) throw new MappingError(`cda/codes/${table}.yaml`, '', 'value map used by a mapper but missing');
      return t.target;
    },
    sectionKind(templateRoots, loinc) {
      for (const r of templateRoots) {
        const k = sectionByTemplate.get(r);
        if (k) return k;
      }
      return (loinc !== undefined ? sectionByLoinc.get(loinc) : undefined) ?? 'narrative';
    },
    documentType(templateRoots, loinc) {
      let best: { kind: string; rank: number } | undefined;
      for (const r of templateRoots) {
        const d = docByTemplate.get(r);
        if (d && (!best || d.rank > best.rank)) best = d;
      }
      if (best) return best.kind;
      return (loinc !== undefined ? docByLoinc.get(loinc) : undefined) ?? 'unknown';
    },
  };
}


function loadCodeSystems(path: string, doc: Record<string, unknown>): Map<string, string> {
  expectTable(path, doc, 'code-systems', ['table', 'description', 'map']);
  const map = new Map<string, string>();
  for (const [oid, uri] of Object.entries(expectRecord(path, 'map', doc['map']))) {
    if (!OID.test(oid)) throw new MappingError(path, `map.${oid}`, 'key is not an OID');
    if (typeof uri !== 'string' || !URI.test(uri)) throw new MappingError(path, `map.${oid}`, 'value is not an absolute URI');
    map.set(oid, uri);
  }
  return map;
}

function loadRules(path: string, doc: Record<string, unknown>, key: string, sectionKinds: boolean): DocumentTypeRule[] {
  const name = key === 'sections' ? 'sections' : 'document-types';
  expectTable(path, doc, name, ['table', 'description', key]);
  const list = doc[key];
  if (!Array.isArray(list)) throw new MappingError(path, key, 'expected a list');
  return list.map((item: unknown, i) => {
    const at = `${key}[${i}]`;
    const r = expectRecord(path, at, item);
    for (const k of Object.keys(r)) if (!['kind', 'loinc', 'templateIds'].includes(k)) throw new MappingError(path, `${at}.${k}`, 'unknown key');
    const kind = r['kind'];
    if (typeof kind !== 'string' || !kind) throw new MappingError(path, `${at}.kind`, 'expected a name');
    if (sectionKinds && !SECTION_KINDS.has(kind)) throw new MappingError(path, `${at}.kind`, `unknown section kind ${kind}`);
    const loinc = stringList(path, `${at}.loinc`, r['loinc']);
    const templateIds = stringList(path, `${at}.templateIds`, r['templateIds']);
    for (const t of templateIds) if (!OID.test(t)) throw new MappingError(path, `${at}.templateIds`, `${t} is not an OID`);
    return { kind, loinc, templateIds };
  });
}

function loadValueTable(path: string, name: string, doc: Record<string, unknown>): ValueTable {
  expectTable(path, doc, name, ['table', 'description', 'source', 'target', 'default', 'map']);
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(expectRecord(path, 'map', doc['map']))) {
    if (typeof to !== 'string' || !to) throw new MappingError(path, `map.${from}`, 'expected a non-empty code');
    map.set(from, to);
  }
  const fallback = doc['default'];
  if (fallback !== undefined && (typeof fallback !== 'string' || !fallback)) throw new MappingError(path, 'default', 'expected a non-empty code');
  const target = doc['target'];
  if (target !== undefined && (typeof target !== 'string' || !URI.test(target))) throw new MappingError(path, 'target', 'expected an absolute URI');
  return { map, fallback, target };
}

function expectTable(path: string, doc: Record<string, unknown>, name: string, allowed: readonly string[]): void {
  if (doc['table'] !== name) throw new MappingError(path, 'table', `must be ${name}`);
  for (const k of Object.keys(doc)) if (!allowed.includes(k)) throw new MappingError(path, k, 'unknown key');
}

function expectRecord(path: string, key: string, value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new MappingError(path, key, 'expected a mapping');
  return value;
}

function stringList(path: string, key: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new MappingError(path, key, 'expected a list of strings');
  }
  return value as string[];
}

import { MappingError } from '../mapping.errors.js';
import { isRecord, parseYamlMapping } from '../strict-yaml.reader.js';

/** A code of a DICOM table: the target system's code and its display. */
export interface DicomTableCode {
  readonly system?: string;
  readonly code: string;
  readonly display?: string;
}

/** The DICOM → FHIR code tables of `mappings/dicom/`, loaded once and shared by every conversion. */
export interface DicomTables {
  /** Body Part Examined defined term → SNOMED CT (PS3.16 Annex L). */
  bodyPart(term: string): DicomTableCode | undefined;
  /** R / L / B → SNOMED CT laterality. */
  laterality(value: string): DicomTableCode | undefined;
  /** Patient's Sex → administrative gender code. */
  patientSex(value: string): string | undefined;
  /** Coding Scheme Designator → code system URI. */
  codingScheme(designator: string): string | undefined;
  /** Modality defined term → its DCM display. */
  modalityDisplay(modality: string): string | undefined;
}

/** One table file: its path relative to `mappings/` (e.g. `dicom/body-part.yaml`) and its text. */
export interface DicomTableFile {
  readonly path: string;
  readonly text: string;
}

/** The tables this converter reads (other `dicom/` files, such as the de-identification profile, are not ours). */
const TABLES = ['body-part', 'laterality', 'patient-sex', 'coding-schemes', 'modality'] as const;
type TableName = (typeof TABLES)[number];

interface Table {
  readonly target: string | undefined;
  readonly map: ReadonlyMap<string, DicomTableCode>;
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * Parses and shape-checks the DICOM code tables (`dicom/<table>.yaml`: table, description,
 * source, target, map). Files other than those tables are ignored, so the caller may pass every
 * mapping file. A missing or malformed table throws {@link MappingError} naming file and key.
 */
export function loadDicomTables(files: readonly DicomTableFile[]): DicomTables {
  const tables = new Map<TableName, Table>();
  for (const f of files) {
    const path = f.path.replace(/\\/g, '/');
    const name = TABLES.find((t) => path === `dicom/${t}.yaml`);
    if (name) tables.set(name, loadTable(path, name, f.text));
  }
  const get = (name: TableName): Table => {
    const t = tables.get(name);
    if (!t) throw new MappingError(`dicom/${name}.yaml`, '', 'missing');
    return t;
  };
  const bodyPart = get('body-part');
  const laterality = get('laterality');
  const sex = get('patient-sex');
  const schemes = get('coding-schemes');
  const modality = get('modality');
  return {
    bodyPart: (term) => bodyPart.map.get(term.trim().toUpperCase()),
    laterality: (value) => laterality.map.get(value.trim().toUpperCase()),
    patientSex: (value) => sex.map.get(value.trim().toUpperCase())?.code,
    codingScheme: (designator) => schemes.map.get(designator.trim())?.code,
    modalityDisplay: (m) => modality.map.get(m.trim().toUpperCase())?.code,
  };
}

function loadTable(path: string, name: TableName, text: string): Table {
  const doc = parseYamlMapping(path, text);
  for (const k of Object.keys(doc)) {
    if (!['table', 'description', 'source', 'target', 'map'].includes(k)) throw new MappingError(path, k, 'unknown key');
  }
  if (doc['table'] !== name) throw new MappingError(path, 'table', `expected ${name}`);
  const target = doc['target'];
  if (target !== undefined && (typeof target !== 'string' || !URI.test(target))) throw new MappingError(path, 'target', 'not an absolute URI');
  const raw = doc['map'];
  if (!isRecord(raw)) throw new MappingError(path, 'map', 'expected a mapping');
  const map = new Map<string, DicomTableCode>();
  for (const [key, value] of Object.entries(raw)) {
    map.set(key, codeOf(path, `map.${key}`, value, target));
  }
  if (name === 'coding-schemes') {
    for (const [key, c] of map) if (!URI.test(c.code)) throw new MappingError(path, `map.${key}`, 'not an absolute URI');
  }
  return { target, map };
}

function codeOf(path: string, key: string, value: unknown, system: string | undefined): DicomTableCode {
  if (typeof value === 'string' && value.trim() !== '') return { ...(system ? { system } : {}), code: value };
  if (isRecord(value) && typeof value['code'] === 'string' && value['code'] !== '') {
    for (const k of Object.keys(value)) if (k !== 'code' && k !== 'display') throw new MappingError(path, `${key}.${k}`, 'unknown key');
    const display = value['display'];
    if (display !== undefined && (typeof display !== 'string' || display === '')) throw new MappingError(path, `${key}.display`, 'expected text');
    return { ...(system ? { system } : {}), code: value['code'], ...(display ? { display } : {}) };
  }
  throw new MappingError(path, key, 'expected a code or { code, display }');
}

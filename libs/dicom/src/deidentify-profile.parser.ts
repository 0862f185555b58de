import { InvalidInputError } from '@hie/common';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** An action letter of PS3.15 Table E.1-1 (U* is U on a sequence: keep it, replace the UIDs inside). */
export type DeidentifyActionCode = 'X' | 'Z' | 'D' | 'K' | 'C' | 'U';

/**
 * What is done to one element. `remove` (X), `empty` (Z), `dummy` (D, and C on a value),
 * `keep` (K; on a sequence: kept and its items cleaned by the same table), `uid` (U).
 */
export type DeidentifyOperation = 'remove' | 'empty' | 'dummy' | 'keep' | 'uid';

/** One row of the table, as written, with the operations it resolves to. */
export interface DeidentifyRule {
  /** 'GGGGEEEE', upper-case hex, 'x' for any digit (repeating groups). */
  readonly tag: string;
  readonly keyword: string;
  /** The table's action as written ('X/Z/D', 'X/Z/U*'). */
  readonly action: string;
  /** Applied when the element holds a value. */
  readonly onValue: DeidentifyOperation;
  /** Applied when the element is a sequence. */
  readonly onSequence: DeidentifyOperation;
}

/** A parsed confidentiality profile (`mappings/dicom/deidentify-basic-profile.yaml`). */
export interface DeidentifyProfile {
  readonly name: string;
  /** DeidentificationMethodCodeSequence entry (DCM code, e.g. 113100 for the Basic Profile). */
  readonly codeValue: string;
  readonly codeMeaning: string;
  /** What happens to private elements (odd groups): 'X' removes them, 'K' keeps them. */
  readonly privateAttributes: 'X' | 'K';
  readonly rules: readonly DeidentifyRule[];
  /** Exact tags → rule. */
  readonly exact: ReadonlyMap<number, DeidentifyRule>;
  /** Wildcard tags (50xx,xxxx; 60xx,3000) as mask/value pairs, checked after the exact ones. */
  readonly patterns: readonly { readonly mask: number; readonly value: number; readonly rule: DeidentifyRule }[];
}

const TAG = /^[0-9A-Fa-fx]{8}$/;
const ACTION = /^(X|Z|D|K|C|U\*?)(\/(X|Z|D|K|C|U\*?))*$/;

/**
 * Reads a profile table from YAML text (the caller loads the file; this lib does no I/O).
 * Throws InvalidInputError (`DICOM_DEIDENTIFY_PROFILE_INVALID`) naming the bad row.
 */
export function parseDeidentifyProfile(yamlText: string): DeidentifyProfile {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (e) {
    throw invalid(e instanceof YAMLParseError ? `not YAML: ${e.message.split('\n')[0]}` : 'not YAML');
  }
  if (!isRecord(doc)) throw invalid('expected a mapping at the top');
  const name = doc['profile'];
  if (typeof name !== 'string' || !name) throw invalid('"profile" must name the profile');
  const privateAttributes = doc['privateAttributes'] ?? 'X';
  if (privateAttributes !== 'X' && privateAttributes !== 'K') throw invalid('"privateAttributes" must be X or K');
  const rows = doc['attributes'];
  if (!Array.isArray(rows) || rows.length === 0) throw invalid('"attributes" must be a non-empty list');

  const rules: DeidentifyRule[] = [];
  const exact = new Map<number, DeidentifyRule>();
  const patterns: { mask: number; value: number; rule: DeidentifyRule }[] = [];
  const seen = new Set<string>();
  rows.forEach((row: unknown, i) => {
    if (!isRecord(row)) throw invalid(`attributes[${i}] must be a mapping`);
    const { tag, keyword, action } = row;
    if (typeof tag !== 'string' || !TAG.test(tag)) throw invalid(`attributes[${i}].tag must be 8 hex digits (x = any)`);
    if (typeof keyword !== 'string' || !keyword) throw invalid(`attributes[${i}].keyword is missing`);
    if (typeof action !== 'string' || !ACTION.test(action)) throw invalid(`attributes[${i}].action '${String(action)}' is not a Table E.1-1 action`);
    const key = tag.toUpperCase();
    if (seen.has(key)) throw invalid(`attributes[${i}]: tag ${tag} is listed twice`);
    seen.add(key);
    const rule: DeidentifyRule = { tag: key.replaceAll('X', 'x'), keyword, action, ...resolve(action) };
    rules.push(rule);
    if (key.includes('X')) {
      const mask = parseInt(key.replace(/[0-9A-F]/g, 'F').replaceAll('X', '0'), 16) >>> 0;
      const value = parseInt(key.replaceAll('X', '0'), 16) >>> 0;
      patterns.push({ mask, value, rule });
    } else {
      exact.set(parseInt(key, 16) >>> 0, rule);
    }
  });
  return {
    name,
    codeValue: typeof doc['codeValue'] === 'string' ? doc['codeValue'] : '113100',
    codeMeaning: typeof doc['codeMeaning'] === 'string' ? doc['codeMeaning'] : 'Basic Application Confidentiality Profile',
    privateAttributes,
    rules,
    exact,
    patterns,
  };
}

/** The rule for a tag (group << 16 | element), or undefined when the table does not list it. */
export function deidentifyRuleFor(profile: DeidentifyProfile, tag: number): DeidentifyRule | undefined {
  const hit = profile.exact.get(tag);
  if (hit) return hit;
  for (const p of profile.patterns) if (((tag & p.mask) >>> 0) === p.value) return p.rule;
  return undefined;
}

/**
 * Combined actions let the de-identifier choose by IOD attribute type. This engine does not
 * check IOD types, so it picks what is valid for every type: on a value D (or C) over Z over X
 * (a dummy is allowed even where a value is required); on a sequence U* keeps it and cleans the
 * items (so references keep pointing at the new UIDs), else X, else Z, else it is kept and cleaned.
 */
function resolve(action: string): { onValue: DeidentifyOperation; onSequence: DeidentifyOperation } {
  const codes = new Set(action.split('/').map((a) => a.replace('*', '') as DeidentifyActionCode));
  const onValue: DeidentifyOperation = codes.has('U')
    ? 'uid'
    : codes.has('D') || codes.has('C')
      ? 'dummy'
      : codes.has('Z')
        ? 'empty'
        : codes.has('X')
          ? 'remove'
          : 'keep';
  const onSequence: DeidentifyOperation = codes.has('U')
    ? 'keep'
    : codes.has('X')
      ? 'remove'
      : codes.has('Z')
        ? 'empty'
        : 'keep';
  return { onValue, onSequence };
}

function invalid(reason: string): InvalidInputError {
  return new InvalidInputError('DICOM_DEIDENTIFY_PROFILE_INVALID', `De-identification profile: ${reason}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

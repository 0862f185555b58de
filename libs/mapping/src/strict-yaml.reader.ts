import { parse as parseYaml, YAMLParseError } from 'yaml';
import { MappingError } from './mapping.errors.js';

/** A YAML mapping (not a list, not a scalar). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a mapping file. `uniqueKeys`: a repeated key (an OID, a code, a term) is an error, never
 * a silent override. Throws MappingError naming the file and, for YAML errors, the line.
 */
export function parseStrictYaml(path: string, text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    const reason = e instanceof YAMLParseError ? `YAML ${e.code} at line ${e.linePos?.[0].line ?? '?'}` : 'YAML parse error';
    throw new MappingError(path, '', reason);
  }
}

/** {@link parseStrictYaml} of a file whose top level must be a mapping. */
export function parseYamlMapping(path: string, text: string): Record<string, unknown> {
  const doc = parseStrictYaml(path, text);
  if (!isRecord(doc)) throw new MappingError(path, '', 'expected a mapping at the top level');
  return doc;
}

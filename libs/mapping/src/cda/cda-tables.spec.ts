import { describe, expect, it } from 'vitest';
import { loadCdaTables, type CdaTableFile } from './cda-tables.js';
import { specTables } from './testing/cda-spec.helpers.js';

const minimal: CdaTableFile[] = [
  { path: 'cda/code-systems.yaml', text: 'table: code-systems\nmap:\n  2.16.840.1.113883.6.1: http://loinc.org\n' },
  { path: 'cda/sections.yaml', text: 'table: sections\nsections:\n  - kind: problems\n    templateIds: [2.16.840.1.113883.10.20.22.2.5]\n    loinc: [11450-4]\n' },
];

function errorOf(files: CdaTableFile[]): { code?: string; message: string; details?: unknown } {
  try {
    loadCdaTables(files);
  } catch (e) {
    return e as { code?: string; message: string; details?: unknown };
  }
  throw new Error('expected loadCdaTables to throw');
}

describe('loadCdaTables', () => {
  it('loads the tables of mappings/cda', () => {
    const t = specTables();
    expect(t.codeSystems.get('2.16.840.1.113883.6.96')).toBe('http://snomed.info/sct');
    expect(t.codeSystems.get('2.16.840.1.113883.6.88')).toBe('http://www.nlm.nih.gov/research/umls/rxnorm');
    expect(t.valueMap('administrative-gender', 'F')).toBe('female');
    expect(t.valueSystem('problem-status')).toBe('http://terminology.hl7.org/CodeSystem/condition-clinical');
  });

  it('gives a value map default for unmapped codes and undefined for no code', () => {
    const t = specTables();
    expect(t.valueMap('null-flavor-to-data-absent-reason', 'XYZ')).toBe('unknown');
    expect(t.valueMap('null-flavor-to-data-absent-reason', 'MSK')).toBe('masked');
    expect(t.valueMap('null-flavor-to-data-absent-reason', undefined)).toBeUndefined();
    expect(t.valueMap('administrative-gender', 'X')).toBeUndefined();
  });

  it('names the missing file when a mapper asks for a table that does not exist', () => {
    expect(() => specTables().valueMap('no-such-table', 'A')).toThrow(/cda\/codes\/no-such-table\.yaml/);
  });

  it('finds section kinds by template root first, then LOINC, else narrative', () => {
    const t = specTables();
    expect(t.sectionKind(['2.16.840.1.113883.10.20.22.2.6.1'], '11450-4')).toBe('allergies');
    expect(t.sectionKind(['9.9.9'], '11450-4')).toBe('problems');
    expect(t.sectionKind([], '10164-2')).toBe('narrative');
  });

  it('finds the document type by its most specific template, else its LOINC code, else unknown', () => {
    const t = specTables();
    expect(t.documentType(['2.16.840.1.113883.10.20.22.1.1', '2.16.840.1.113883.10.20.22.1.8'], '18842-5')).toBe('discharge-summary');
    expect(t.documentType(['2.16.840.1.113883.10.20.22.1.1'], '11506-3')).toBe('progress-note');
    expect(t.documentType(['2.16.840.1.113883.10.20.22.1.1'], '00000-0')).toBe('unknown');
  });

  it('ignores files outside cda/ and requires the two core tables', () => {
    expect(() => loadCdaTables([...minimal, { path: 'hl7v2/codes/x.yaml', text: ':::' }])).not.toThrow();
    expect(errorOf([minimal[1]!]).message).toMatch(/cda\/code-systems\.yaml: missing/);
    expect(errorOf([minimal[0]!]).message).toMatch(/cda\/sections\.yaml: missing/);
  });

  it('refuses malformed tables with a MappingError naming the file and key', () => {
    const bad = (path: string, text: string): string => errorOf([...minimal.filter((f) => f.path !== path), { path, text }]).message;
    expect(bad('cda/code-systems.yaml', 'table: code-systems\nmap:\n  loinc: http://loinc.org\n')).toMatch(/cda\/code-systems\.yaml: map\.loinc: key is not an OID/);
    expect(bad('cda/code-systems.yaml', 'table: code-systems\nmap:\n  1.2.3: not a uri\n')).toMatch(/map\.1\.2\.3: value is not an absolute URI/);
    expect(bad('cda/sections.yaml', 'table: sections\nsections:\n  - kind: nonsense\n')).toMatch(/sections\[0\]\.kind: unknown section kind/);
    expect(bad('cda/sections.yaml', 'table: sections\nsections:\n  - kind: problems\n    extra: 1\n')).toMatch(/sections\[0\]\.extra: unknown key/);
    expect(bad('cda/codes/x-y.yaml', 'table: other\nmap: {}\n')).toMatch(/cda\/codes\/x-y\.yaml: table: must be x-y/);
    expect(bad('cda/codes/x-y.yaml', 'table: x-y\nmap:\n  A: ""\n')).toMatch(/map\.A: expected a non-empty code/);
    expect(bad('cda/codes/Bad_Name.yaml', 'table: x\n')).toMatch(/not a CDA table path/);
    const e = errorOf([...minimal, { path: 'cda/codes/dup.yaml', text: 'table: dup\nmap:\n  A: a\n  A: b\n' }]);
    expect(e.code).toBe('MAPPING_INVALID');
    expect(e.message).toMatch(/cda\/codes\/dup\.yaml: YAML DUPLICATE_KEY/);
  });

  it('every value map in mappings/cda/codes declares codes, and every code-system URI is absolute', () => {
    const t = specTables();
    for (const uri of t.codeSystems.values()) expect(uri).toMatch(/^[a-z]+:/);
    expect(t.sections.length).toBeGreaterThan(15);
    expect(t.documentTypes.map((d) => d.kind)).toContain('ccd');
  });
});

import { describe, expect, it } from 'vitest';
import { MappingError } from '../mapping.errors.js';
import { loadDicomTables } from './dicom-tables.js';
import { dicomTableFiles, specTables } from './testing/dicom-spec.helpers.js';

describe('loadDicomTables', () => {
  it('reads the mappings/dicom tables', () => {
    const t = specTables();
    expect(t.bodyPart('chest ')).toEqual({ system: 'http://snomed.info/sct', code: '816094009', display: 'Chest' });
    expect(t.bodyPart('CHESTABDPELVIS')).toEqual({ system: 'http://snomed.info/sct', code: '416775004', display: 'Chest, Abdomen and Pelvis' });
    expect(t.bodyPart('NOSUCHPART')).toBeUndefined();
    expect(t.laterality('R')?.code).toBe('24028007');
    expect(t.laterality('U')).toBeUndefined();
    expect(t.patientSex('f')).toBe('female');
    expect(t.patientSex('X')).toBeUndefined();
    expect(t.codingScheme('SCT')).toBe('http://snomed.info/sct');
    expect(t.codingScheme('99LOCAL')).toBeUndefined();
    expect(t.modalityDisplay('ct')).toBe('Computed Tomography');
  });

  it('maps every Body Part Examined term to a SNOMED CT code with a display', () => {
    const files = dicomTableFiles();
    const body = files.find((f) => f.path === 'dicom/body-part.yaml')!.text;
    const terms = [...body.matchAll(/^ {2}([A-Z]+): \{ code: '(\d+)', display: '([^']+)' \}$/gm)];
    expect(terms.length).toBeGreaterThan(90);
    for (const [, term, code] of terms) {
      expect(specTables().bodyPart(term!)?.code).toBe(code);
      expect(code).toMatch(/^[1-9]\d{5,17}$/);
    }
  });

  it('refuses a missing table, an unknown key, a repeated term and a scheme that is not a URI', () => {
    const files = dicomTableFiles();
    const without = (path: string) => files.filter((f) => f.path !== path);
    const replaced = (path: string, text: string) => [...without(path), { path, text }];
    expect(() => loadDicomTables(without('dicom/laterality.yaml'))).toThrow(MappingError);
    expect(() => loadDicomTables(replaced('dicom/laterality.yaml', 'table: laterality\nmap:\n  R: { code: x, colour: red }\n'))).toThrow(/unknown key/);
    expect(() => loadDicomTables(replaced('dicom/laterality.yaml', 'table: laterality\nmap:\n  R: a\n  R: b\n'))).toThrow(MappingError);
    expect(() => loadDicomTables(replaced('dicom/coding-schemes.yaml', 'table: coding-schemes\nmap:\n  SCT: not a uri\n'))).toThrow(/absolute URI/);
    // Other files under dicom/ (the de-identification profile) are not tables: ignored.
    expect(() => loadDicomTables([...files, { path: 'dicom/deidentify-basic-profile.yaml', text: 'anything: [' }])).not.toThrow();
  });
});

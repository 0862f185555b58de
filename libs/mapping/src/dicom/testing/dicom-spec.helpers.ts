/**
 * Helpers for the DICOM mapping specs (not exported from the lib: they read files). Tables come
 * from `mappings/dicom/`; data sets are written by hand as DICOM JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DicomJsonDataset, DicomJsonValue } from '../dicom-json.reader.js';
import { loadDicomTables, type DicomTableFile, type DicomTables } from '../dicom-tables.js';
import type { DicomStudyInstance } from '../imaging-series.builder.js';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The id secret every DICOM spec uses. */
export const SPEC_ID_SECRET = 'dicom-spec-secret';

/** The `mappings/dicom/*.yaml` files, paths relative to mappings/. */
export function dicomTableFiles(): DicomTableFile[] {
  const dir = join(REPO, 'mappings', 'dicom');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: `dicom/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

let tables: DicomTables | undefined;
/** The tables of `mappings/dicom/` (loaded once per test file). */
export function specTables(): DicomTables {
  tables ??= loadDicomTables(dicomTableFiles());
  return tables;
}

/** A DICOM JSON element. */
export function el(vr: string, ...values: unknown[]): DicomJsonValue {
  return values.length > 0 ? { vr, Value: values } : { vr };
}

/** A PN element. */
export function pn(alphabetic: string): DicomJsonValue {
  return { vr: 'PN', Value: [{ Alphabetic: alphabetic }] };
}

/** A sequence of items. */
export function sq(...items: DicomJsonDataset[]): DicomJsonValue {
  return { vr: 'SQ', Value: items };
}

/** An instance of a study with its index columns taken from the data set. */
export function instance(metadata: Record<string, DicomJsonValue>): DicomStudyInstance {
  const text = (tag: string): string => String(metadata[tag]?.Value?.[0] ?? '');
  const num = (tag: string): number | null => (typeof metadata[tag]?.Value?.[0] === 'number' ? (metadata[tag]!.Value![0] as number) : null);
  return {
    sopInstanceUid: text('00080018'),
    sopClassUid: text('00080016'),
    seriesInstanceUid: text('0020000E'),
    studyInstanceUid: text('0020000D'),
    modality: text('00080060') || null,
    seriesNumber: num('00200011'),
    instanceNumber: num('00200013'),
    metadata,
  };
}

import { loadDicomTables, type DicomTables } from '@hie/mapping';
import { readMappingFiles } from '../mapping-files.loader.js';

/**
 * Reads the DICOM code tables under `dir`/dicom (body part, laterality, patient sex, coding
 * schemes, modality; throws MappingError on a bad or missing table). Other files there (the
 * de-identification profile) are not tables and are left to their own reader.
 */
export async function loadDicomMappings(dir: string): Promise<DicomTables> {
  const files = await readMappingFiles(dir);
  return loadDicomTables(files.filter((f) => f.path.startsWith('dicom/')));
}

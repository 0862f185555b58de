import type { DicomJsonDataset } from '@hie/mapping';

/**
 * Parsed DICOM JSON headers of instance versions, least recently used first out. A study is
 * rebuilt whenever new instances arrive; without this, every rebuild of a 1,000-instance study
 * would read and parse all 1,000 headers again. Keyed by SOP Instance UID and version, so a new
 * version of an instance is never served an old header.
 */
export class DicomMetadataCache {
  private readonly entries = new Map<string, DicomJsonDataset>();

  constructor(private readonly capacity: number) {}

  get(sopInstanceUid: string, versionId: number): DicomJsonDataset | undefined {
    const key = `${sopInstanceUid}@${versionId}`;
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(sopInstanceUid: string, versionId: number, metadata: DicomJsonDataset): void {
    const key = `${sopInstanceUid}@${versionId}`;
    this.entries.delete(key);
    this.entries.set(key, metadata);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

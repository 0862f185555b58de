/** How text values of a data set are decoded, from Specific Character Set (0008,0005). */
export type DicomTextDecoding = 'latin1' | 'utf8';

/**
 * ISO_IR 192 is UTF-8. Everything else decodes as Latin-1: the default repertoire (ASCII) and
 * ISO_IR 100 exactly, other single-byte sets and ISO 2022 code extensions approximately (bytes
 * above 0x7F become the Latin-1 characters of the same code). Good enough for indexing; the stored
 * object keeps the original bytes.
 */
export function textDecodingOf(specificCharacterSet: readonly unknown[] | undefined): DicomTextDecoding {
  const terms = (specificCharacterSet ?? []).map((term) => (typeof term === 'string' ? term.trim().toUpperCase() : ''));
  return terms.includes('ISO_IR 192') ? 'utf8' : 'latin1';
}

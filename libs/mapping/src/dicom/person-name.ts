/** A FHIR HumanName as the DICOM conversion writes it (only non-empty parts). */
export interface DicomHumanName {
  family?: string;
  given?: string[];
  prefix?: string[];
  suffix?: string[];
}

/**
 * PN Alphabetic group (`Family^Given^Middle^Prefix^Suffix`, PS3.5 6.2) → HumanName: given and
 * middle names become `given` in order. Undefined when no component has text.
 */
export function humanNameOf(pn: string | undefined): DicomHumanName | undefined {
  if (pn === undefined) return undefined;
  const [family, given, middle, prefix, suffix] = pn.split('=')[0]!.split('^').map((c) => c.trim());
  const name: DicomHumanName = {};
  if (family) name.family = family;
  const givens = [given, middle].filter((g): g is string => !!g);
  if (givens.length > 0) name.given = givens;
  if (prefix) name.prefix = [prefix];
  if (suffix) name.suffix = [suffix];
  return Object.keys(name).length > 0 ? name : undefined;
}

/** The components of a PN joined the way a reader expects (`Given Middle Family`), for displays. */
export function displayOf(name: DicomHumanName): string {
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family, ...(name.suffix ?? [])].filter(Boolean).join(' ');
}

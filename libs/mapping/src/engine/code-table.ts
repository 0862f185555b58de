/** A compiled code table (ConceptMap-like): v2 code → FHIR code, with the two systems. */
export interface CodeTable {
  readonly name: string;
  /** The v2 code system (kept as a second coding so the sent code is never lost). */
  readonly source: string | undefined;
  /** The FHIR code system of the mapped codes. */
  readonly target: string | undefined;
  lookup(code: string): { code: string; display?: string } | undefined;
  /** A code not in the table is expected (another table covers it): no warning. */
  readonly silentWhenUnmapped: boolean;
}

export interface CodeTableEntry {
  code: string;
  display?: string;
}

/** Builds the lookup: exact code first, then its upper-case form (v2 senders vary in case). */
export function createCodeTable(
  name: string,
  source: string | undefined,
  target: string | undefined,
  entries: ReadonlyMap<string, CodeTableEntry>,
  fallback: CodeTableEntry | undefined,
  silentWhenUnmapped = false,
): CodeTable {
  return {
    name,
    source,
    target,
    silentWhenUnmapped,
    lookup(code) {
      return entries.get(code) ?? entries.get(code.toUpperCase()) ?? fallback;
    },
  };
}

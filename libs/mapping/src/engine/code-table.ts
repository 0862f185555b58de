/** A compiled code table (ConceptMap-like): v2 code → FHIR code, with the two systems. */
export interface CodeTable {
  readonly name: string;
  /** The v2 code system (kept as a second coding so the sent code is never lost). */
  readonly source: string | undefined;
  /** The FHIR code system of the mapped codes. */
  readonly target: string | undefined;
  lookup(code: string): { code: string; display?: string } | undefined;
  /** The same, with the target system added (built once per entry, not per call). */
  lookupWithSystem(code: string): { code: string; display?: string; system?: string } | undefined;
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
  const withSystem = new Map<CodeTableEntry, { code: string; display?: string; system?: string }>();
  for (const e of [...entries.values(), ...(fallback ? [fallback] : [])]) withSystem.set(e, target ? { ...e, system: target } : e);
  const lookup = (code: string): CodeTableEntry | undefined => entries.get(code) ?? entries.get(code.toUpperCase()) ?? fallback;
  return {
    name,
    source,
    target,
    silentWhenUnmapped,
    lookup,
    lookupWithSystem(code) {
      const e = lookup(code);
      return e && withSystem.get(e);
    },
  };
}

/**
 * Hand-written equivalents of the hottest R4 format regexes (each is proven equal to its
 * regex by a property test). They scan char codes once; anything outside ASCII falls back to
 * the regex, so Unicode whitespace keeps the regex's meaning.
 */

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const NO_WHITESPACE = /^\S*$/;

/**
 * URIs that already passed: the same code-system and extension URLs recur in every resource,
 * and a native hash lookup is cheaper than re-scanning a 60-character URL. Only `http...` URIs
 * are kept: references and request URLs (`Type/<uuid>`) are new in each message and would only
 * churn the set. Bounded, so hostile input cannot grow it without limit.
 */
const knownUris = new Set<string>();
const KNOWN_URIS_MAX = 4096;

/** Printable ASCII and the ASCII controls that are not whitespace: a `\S*` match without Unicode classes. */
const ASCII_NO_SPACE = /^[\x00-\x08\x0e-\x1f\x21-\x7f]+$/;

/** R4 uri/url/canonical: `\S*`, and non-empty (FHIR has no empty strings). */
export function isUri(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  if (length <= 24) return scanUri(value);
  if (knownUris.has(value)) return true;
  // A long URI: V8's compiled regex beats a charCodeAt loop; non-ASCII takes the exact regex.
  if (!ASCII_NO_SPACE.test(value) && !NO_WHITESPACE.test(value)) return false;
  if (value.startsWith('http')) {
    if (knownUris.size >= KNOWN_URIS_MAX) knownUris.clear();
    knownUris.add(value);
  }
  return true;
}

function scanUri(value: string): boolean {
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return NO_WHITESPACE.test(value);
    if (isAsciiSpace(c)) return false;
  }
  return true;
}

const CODE = /^[^\s]+(\s[^\s]+)*$/;

/** R4 code: `[^\s]+(\s[^\s]+)*`: no leading, trailing or doubled whitespace. */
export function isCode(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  let previousSpace = true;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return CODE.test(value);
    const space = isAsciiSpace(c);
    if (space && previousSpace) return false;
    previousSpace = space;
  }
  return !previousSpace;
}

function isIdChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * R4 id: `[A-Za-z0-9\-\.]{1,64}`, on value.slice(start, end) without the copy. A whole string
 * goes to the regex: V8's compiled regex scans a 36-character id faster than a charCodeAt loop.
 */
export function isId(value: string, start = 0, end = value.length): boolean {
  const length = end - start;
  if (length < 1 || length > 64) return false;
  if (start === 0 && end === value.length) return ID.test(value);
  for (let i = start; i < end; i++) if (!isIdChar(value.charCodeAt(i))) return false;
  return true;
}

const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** R4 uuid: `urn:uuid:` + a lowercase UUID (the R4 regex: faster here than a charCodeAt loop). */
export function isUrnUuid(value: string): boolean {
  return value.length === 45 && URN_UUID.test(value);
}

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
 * and a native hash lookup is cheaper than re-scanning a 60-character URL in JavaScript.
 * Bounded, so hostile input cannot grow it without limit.
 */
const knownUris = new Set<string>();
const KNOWN_URIS_MAX = 4096;

/** R4 uri/url/canonical: `\S*`, and non-empty (FHIR has no empty strings). */
export function isUri(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  if (length > 24) {
    if (knownUris.has(value)) return true;
    if (!scanUri(value)) return false;
    if (knownUris.size >= KNOWN_URIS_MAX) knownUris.clear();
    knownUris.add(value);
    return true;
  }
  return scanUri(value);
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

/** R4 id: `[A-Za-z0-9\-\.]{1,64}`, on value.slice(start, end) without the copy. */
export function isId(value: string, start = 0, end = value.length): boolean {
  const length = end - start;
  if (length < 1 || length > 64) return false;
  for (let i = start; i < end; i++) if (!isIdChar(value.charCodeAt(i))) return false;
  return true;
}

function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** A lowercase RFC 4122-shaped UUID (8-4-4-4-12) at value[start..]. */
export function isLowerUuid(value: string, start = 0): boolean {
  if (value.length - start !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isLowerHex(c)) return false;
  }
  return true;
}

/** R4 uuid: `urn:uuid:` + a lowercase UUID. */
export function isUrnUuid(value: string): boolean {
  return value.length === 45 && value.startsWith('urn:uuid:') && isLowerUuid(value, 9);
}

import { isId, isUri, isUrnUuid } from './fast-format.checks.js';
import { R4_RESOURCE_TYPES } from './resource-types.js';
import type { ValidationContext } from './validation-context.js';

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;

/** Where the parts of a RESTful URL are, as offsets into the string (no substrings are made). */
interface RestfulParts {
  /** start of the type name (after the service base's last `/`, or 0) */
  readonly typeStart: number;
  /** the `/` between type and id */
  readonly idSlash: number;
  /** end of the id (before `/_history/`, or the string's end) */
  readonly idEnd: number;
}

function isTypeNameAt(value: string, start: number, end: number): boolean {
  // TYPE_NAME (`[A-Z][A-Za-z]+`) by char codes: no substring, no regex.
  if (end - start < 2) return false;
  const first = value.charCodeAt(start);
  if (first < 65 || first > 90) return false;
  for (let i = start + 1; i < end; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

const SLASH = 47;
const HISTORY = '/_history/';

/**
 * `value.lastIndexOf('/', from)` for from ≥ 0 (-1 when none). String.prototype.lastIndexOf is a
 * call into the runtime in V8, several times the cost of this scan on short references.
 */
function lastSlash(value: string, from: number): number {
  for (let i = from; i >= 0; i--) if (value.charCodeAt(i) === SLASH) return i;
  return -1;
}

/** `value.lastIndexOf('/_history/')`, scanning back over the slashes only. */
function lastHistory(value: string): number {
  for (let i = lastSlash(value, value.length - HISTORY.length); i >= 0; i = lastSlash(value, i - 1)) {
    if (value.startsWith(HISTORY, i)) return i;
  }
  return -1;
}

/** {@link parseRestfulUrl} without allocating: the offsets of type and id, or undefined. */
function restfulParts(value: string): RestfulParts | undefined {
  let end = value.length;
  const history = lastHistory(value);
  if (history >= 0) {
    if (!isId(value, history + 10)) return undefined;
    end = history;
  }
  // lastIndexOf treats a negative start as 0.
  const idSlash = lastSlash(value, Math.max(end - 1, 0));
  if (idSlash <= 0) return undefined;
  if (!isId(value, idSlash + 1, end)) return undefined;
  const typeSlash = lastSlash(value, idSlash - 1);
  if (!isTypeNameAt(value, typeSlash + 1, idSlash)) return undefined;
  if (typeSlash >= 0 && !(SCHEME.test(value) && isUri(value))) return undefined;
  return { typeStart: typeSlash + 1, idSlash, idEnd: end };
}

/** `Type/id` with nothing around it: exactly what {@link restfulParts} accepts with one slash. */
const RELATIVE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

/** The parts of a string RELATIVE matched (its only slash separates type and id). */
function relativeParts(value: string): RestfulParts {
  return { typeStart: 0, idSlash: value.indexOf('/'), idEnd: value.length };
}

/**
 * The R4 resource type names by length and first letter, so a reference's type is found with a
 * `startsWith` or two on the reference itself instead of a substring hashed into a Set.
 */
const TYPES_BY_SHAPE = new Map<number, string[]>();
for (const name of R4_RESOURCE_TYPES) {
  const key = name.length * 128 + name.charCodeAt(0);
  const list = TYPES_BY_SHAPE.get(key);
  if (list === undefined) TYPES_BY_SHAPE.set(key, [name]);
  else list.push(name);
}

/** The R4 resource type named by value[start..end), as the canonical string, or undefined. */
function knownTypeAt(value: string, start: number, end: number): string | undefined {
  const candidates = TYPES_BY_SHAPE.get((end - start) * 128 + value.charCodeAt(start));
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) {
    const name = candidates[i]!;
    if (value.startsWith(name, start)) return name;
  }
  return undefined;
}

/**
 * `Type/id` or `Type/id/_history/vid`, optionally after an absolute service base (`http://x/fhir/`):
 * the type name (not yet checked against R4) and id, or undefined when the string has another form.
 */
export function parseRestfulUrl(value: string): { type: string; id: string } | undefined {
  const parts = restfulParts(value);
  if (parts === undefined) return undefined;
  return { type: value.slice(parts.typeStart, parts.idSlash), id: value.slice(parts.idSlash + 1, parts.idEnd) };
}

/** The R4 resource type and id a RESTful URL (relative or absolute) points at, if it is one. */
export function parseLiteralReference(value: string): { type: string; id: string } | undefined {
  const literal = parseRestfulUrl(value);
  return literal !== undefined && R4_RESOURCE_TYPES.has(literal.type) ? literal : undefined;
}

/**
 * Checks a `Reference.reference` string: `#local` (recorded for ref-1/dom-3), `urn:uuid:`
 * (resolved against the enclosing Bundle's fullUrls when there is one), `urn:oid:`, a RESTful
 * `Type/id[/_history/v]` (relative or absolute) whose type the element allows, or another absolute URI.
 */
export function checkReferenceString(ref: string, targets: ReadonlySet<string> | null, ctx: ValidationContext): void {
  if (ref.charCodeAt(0) === 35 /* # */) {
    const frame = ctx.ensureFrame();
    if (ref.length === 1) {
      if (frame.containedIndex >= 0) frame.refersToContainer.add(frame.containedIndex);
      return;
    }
    if (!isId(ref, 1)) {
      ctx.report('value', 'Invalid local reference: expected #id', '.reference');
    } else {
      frame.localRefs.push({ id: ref.slice(1), expression: ctx.expression('.reference') });
    }
    return;
  }
  if (ref.startsWith('urn:uuid:')) {
    if (!isUrnUuid(ref)) {
      ctx.report('value', 'Invalid urn:uuid reference: expected urn:uuid: and a lowercase UUID', '.reference');
      return;
    }
    const bundle = ctx.bundle;
    if (bundle === undefined) return;
    const type = bundle.fullUrls.get(ref);
    if (type === undefined) {
      if (bundle.mustResolve) ctx.report('not-found', 'urn:uuid reference does not resolve to an entry of the Bundle', '.reference');
    } else if (targets !== null && !targets.has(type)) {
      ctx.report('structure', `Reference to a ${type} where the element allows ${[...targets].join(', ')}`, '.reference');
    }
    return;
  }
  if (ref.startsWith('urn:oid:')) {
    if (!OID.test(ref)) ctx.report('value', 'Invalid urn:oid reference', '.reference');
    return;
  }
  // The engine's own form, `Type/id`, by one compiled regex; anything else by the general parse.
  const parts = RELATIVE.test(ref) ? relativeParts(ref) : restfulParts(ref);
  if (parts !== undefined) {
    const type = knownTypeAt(ref, parts.typeStart, parts.idSlash);
    if (type === undefined) {
      ctx.report('value', `Reference to an unknown resource type ${ref.slice(parts.typeStart, parts.idSlash)}`, '.reference');
    } else if (targets !== null && !targets.has(type)) {
      ctx.report('structure', `Reference to a ${type} where the element allows ${[...targets].join(', ')}`, '.reference');
    }
    return;
  }
  if (!ABSOLUTE_URI.test(ref)) {
    ctx.report('value', 'Invalid reference: expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id', '.reference');
  }
}

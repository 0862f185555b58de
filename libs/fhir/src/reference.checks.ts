import { isId, isUri, isUrnUuid } from './fast-format.checks.js';
import { R4_RESOURCE_TYPES } from './resource-types.js';
import type { ValidationContext } from './validation-context.js';

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const TYPE_NAME = /^[A-Z][A-Za-z]+$/;

/**
 * `Type/id` or `Type/id/_history/vid`, optionally after an absolute service base (`http://x/fhir/`):
 * the type name (not yet checked against R4) and id, or undefined when the string has another form.
 */
export function parseRestfulUrl(value: string): { type: string; id: string } | undefined {
  let end = value.length;
  const history = value.lastIndexOf('/_history/');
  if (history >= 0) {
    if (!isId(value, history + 10)) return undefined;
    end = history;
  }
  const idSlash = value.lastIndexOf('/', end - 1);
  if (idSlash <= 0) return undefined;
  const id = value.slice(idSlash + 1, end);
  if (!isId(id)) return undefined;
  const typeSlash = value.lastIndexOf('/', idSlash - 1);
  const type = value.slice(typeSlash + 1, idSlash);
  if (!TYPE_NAME.test(type)) return undefined;
  if (typeSlash >= 0 && !(SCHEME.test(value) && isUri(value))) return undefined;
  return { type, id };
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
  const literal = parseRestfulUrl(ref);
  if (literal !== undefined) {
    const type = literal.type;
    if (!R4_RESOURCE_TYPES.has(type)) {
      ctx.report('value', `Reference to an unknown resource type ${type}`, '.reference');
    } else if (targets !== null && !targets.has(type)) {
      ctx.report('structure', `Reference to a ${type} where the element allows ${[...targets].join(', ')}`, '.reference');
    }
    return;
  }
  if (!ABSOLUTE_URI.test(ref)) {
    ctx.report('value', 'Invalid reference: expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id', '.reference');
  }
}

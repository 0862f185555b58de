import { isCode, isId, isUri, isUrnUuid } from './fast-format.checks.js';

/**
 * Checks of R4 primitive values in their JSON form. The regexes are those of the R4
 * definitions (anchored); numbers and booleans are checked as JSON numbers/booleans, as R4
 * JSON requires; dates are also checked against the calendar (the regexes accept 2021-02-31).
 */
export type PrimitiveCheck = (value: unknown) => boolean;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** R4: strings are at most 1 MB. */
const MAX_STRING_LENGTH = 1024 * 1024;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The regex already bounds month and day to 01-12 / 01-31; this rejects days the month lacks. */
function calendarOk(value: string): boolean {
  if (value.length < 10) return true;
  const day = (value.charCodeAt(8) - 48) * 10 + (value.charCodeAt(9) - 48);
  if (day <= 28) return true;
  const year = Number(value.slice(0, 4));
  const month = (value.charCodeAt(5) - 48) * 10 + (value.charCodeAt(6) - 48);
  return day <= daysInMonth(year, month);
}

function stringMatching(regex: RegExp): PrimitiveCheck {
  return (value) => typeof value === 'string' && value.length > 0 && regex.test(value);
}

function dateMatching(regex: RegExp): PrimitiveCheck {
  return (value) => typeof value === 'string' && regex.test(value) && calendarOk(value);
}

const BASE64_CHAR = /^[A-Za-z0-9+/]*={0,2}$/;

/** base64Binary without the definitions' nested-quantifier regex, which backtracks badly on large input. */
function isBase64(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  const compact = /\s/.test(value) ? value.replace(/\s+/g, '') : value;
  return compact.length > 0 && compact.length % 4 === 0 && BASE64_CHAR.test(compact);
}

const XHTML_DIV = /^\s*<div\b[^>]*\bxmlns\s*=\s*(["'])http:\/\/www\.w3\.org\/1999\/xhtml\1[^>]*>[\s\S]*<\/div>\s*$/;

/**
 * Builds the check for each primitive type from the definitions' regexes. Types whose JSON
 * form is not a string get their JSON-typed check instead of the regex.
 */
export function buildPrimitiveChecks(regexes: ReadonlyMap<string, string>): Map<string, PrimitiveCheck> {
  const anchored = (type: string): RegExp => {
    const source = regexes.get(type);
    if (source === undefined) throw new Error(`no regex for primitive ${type}`);
    return new RegExp(`^(?:${source})$`);
  };
  const checks = new Map<string, PrimitiveCheck>();
  checks.set('boolean', (v) => typeof v === 'boolean');
  checks.set('integer', (v) => typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX);
  checks.set('positiveInt', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= INT32_MAX);
  checks.set('unsignedInt', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= INT32_MAX);
  checks.set('decimal', (v) => typeof v === 'number' && Number.isFinite(v));
  // string/markdown: the R4 regex means "not empty" in the definitions' (XML Schema) dialect; a
  // whitespace-only string is empty once XML trims it, so it is refused too (as medplum does).
  const nonEmpty: PrimitiveCheck = (v) =>
    typeof v === 'string' && v.length > 0 && v.length <= MAX_STRING_LENGTH && (v.charCodeAt(0) > 32 || /\S/.test(v));
  checks.set('string', nonEmpty);
  checks.set('markdown', nonEmpty);
  checks.set('base64Binary', isBase64);
  checks.set('xhtml', (v) => typeof v === 'string' && XHTML_DIV.test(v));
  for (const type of ['date', 'dateTime', 'instant']) checks.set(type, dateMatching(anchored(type)));
  for (const type of ['time', 'oid']) checks.set(type, stringMatching(anchored(type)));
  // The hot ones, hand-written (property-tested against the same regexes).
  const uri: PrimitiveCheck = (v) => typeof v === 'string' && isUri(v);
  for (const type of ['uri', 'url', 'canonical']) checks.set(type, uri);
  checks.set('code', (v) => typeof v === 'string' && isCode(v));
  checks.set('id', (v) => typeof v === 'string' && isId(v));
  checks.set('uuid', (v) => typeof v === 'string' && isUrnUuid(v));
  return checks;
}

/** The JSON shape a primitive type expects, for error messages. */
export function expectedJson(type: string): string {
  switch (type) {
    case 'boolean':
      return 'a JSON boolean';
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt':
      return `a JSON integer (${type})`;
    case 'decimal':
      return 'a JSON number';
    default:
      return `a valid ${type} string`;
  }
}

import type { Hl7Delimiters } from './hl7-message.model.js';

/** Turns the bytes of a `\Xhh..\` escape into text, in the message's character set. */
export type HexDecoder = (bytes: Uint8Array) => string;

/** Longest run a `\.sp n\` or `\.sk n\` may expand to: hostile counts must not blow memory. */
const MAX_FORMAT_REPEAT = 100;

/**
 * Unescapes one sub-component value.
 *
 * - `\F\ \S\ \T\ \R\ \E\` give back the delimiter they stand for; `\P\` the truncation
 *   character (v2.7+, when MSH-2 declares one).
 * - `\Xhh..\` gives the bytes decoded in the message's character set.
 * - Formatting escapes become plain text, because FHIR strings carry no markup:
 *   `\.br\` and `\.ce\` a newline, `\.sp n\` n newlines, `\.sk n\` n spaces;
 *   `\H\ \N\` (highlight on/off), `\.in\ \.ti\ \.fi\ \.nf\` are dropped.
 * - Anything else (`\Zxx\` local escapes, `\Cxxyy\`/`\Mxxyyzz\` character-set shifts,
 *   unknown or malformed sequences, a lone escape character) is kept verbatim, so no
 *   data is lost; re-serialising then escapes those characters as literal text.
 */
export function unescapeValue(raw: string, d: Hl7Delimiters, hex: HexDecoder): string {
  const esc = d.escape;
  let start = raw.indexOf(esc);
  if (start === -1) return raw;
  let out = '';
  let copied = 0;
  while (start !== -1) {
    const end = raw.indexOf(esc, start + 1);
    if (end === -1) break;
    const replacement = translate(raw.slice(start + 1, end), d, hex);
    if (replacement === undefined) {
      // Unknown sequence: keep both escape characters and the text between them.
      start = raw.indexOf(esc, end + 1);
      continue;
    }
    out += raw.slice(copied, start) + replacement;
    copied = end + 1;
    start = raw.indexOf(esc, copied);
  }
  return copied === 0 ? raw : out + raw.slice(copied);
}

function translate(seq: string, d: Hl7Delimiters, hex: HexDecoder): string | undefined {
  if (seq.length === 1) {
    switch (seq) {
      case 'F':
        return d.field;
      case 'S':
        return d.component;
      case 'T':
        return d.subcomponent;
      case 'R':
        return d.repetition;
      case 'E':
        return d.escape;
      case 'P':
        return d.truncation;
      case 'H':
      case 'N':
        return '';
      default:
        return undefined;
    }
  }
  const first = seq.charCodeAt(0);
  if (first === 0x58 /* X */) return hexToText(seq, hex);
  if (first === 0x2e /* . */) return formatting(seq);
  return undefined;
}

function hexToText(seq: string, hex: HexDecoder): string | undefined {
  const digits = seq.length - 1;
  if (digits === 0 || digits % 2 !== 0) return undefined;
  const bytes = new Uint8Array(digits / 2);
  for (let i = 0; i < bytes.length; i++) {
    const hi = hexDigit(seq.charCodeAt(1 + 2 * i));
    const lo = hexDigit(seq.charCodeAt(2 + 2 * i));
    if (hi < 0 || lo < 0) return undefined;
    bytes[i] = hi * 16 + lo;
  }
  return hex(bytes);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function formatting(seq: string): string | undefined {
  const command = seq.slice(1, 3);
  const arg = seq.slice(3).trim();
  switch (command) {
    case 'br':
    case 'ce':
      return arg === '' ? '\n' : undefined;
    case 'sp':
      return repeat('\n', arg);
    case 'sk':
      return repeat(' ', arg);
    case 'in':
    case 'ti':
      return arg === '' || /^[+-]?\d+$/.test(arg) ? '' : undefined;
    case 'fi':
    case 'nf':
      return arg === '' ? '' : undefined;
    default:
      return undefined;
  }
}

function repeat(text: string, arg: string): string | undefined {
  if (arg === '') return text;
  if (!/^[+]?\d{1,6}$/.test(arg)) return undefined;
  return text.repeat(Math.min(Number(arg), MAX_FORMAT_REPEAT));
}

/**
 * The characters that need escaping, per delimiter set. Keyed by the delimiters object
 * (one per parsed message) and then by its characters, bounded, since hostile input can
 * vary MSH-2 at will.
 */
const patternsByObject = new WeakMap<Hl7Delimiters, EscapePatterns>();
const patternsByChars = new Map<string, EscapePatterns>();

/** `find` has no lastIndex state; `all` is global, which replace() always starts at 0. */
interface EscapePatterns {
  readonly find: RegExp;
  readonly all: RegExp;
}
const MAX_CACHED_PATTERNS = 64;

/**
 * Escapes one sub-component value so that it survives serialisation: delimiters and the
 * escape character become `\F\ \S\ \T\ \R\ \E\` (the truncation character `\P\`), a line
 * feed becomes `\.br\`, and a carriage return or other control character (but tab and form
 * feed) `\Xhh\`, so no value can end a segment or make the message look binary.
 */
export function escapeValue(value: string, d: Hl7Delimiters): string {
  const patterns = escapePatterns(d);
  if (!patterns.find.test(value)) return value;
  return value.replace(patterns.all, (ch) => {
    switch (ch) {
      case d.escape:
        return `${d.escape}E${d.escape}`;
      case d.field:
        return `${d.escape}F${d.escape}`;
      case d.component:
        return `${d.escape}S${d.escape}`;
      case d.subcomponent:
        return `${d.escape}T${d.escape}`;
      case d.repetition:
        return `${d.escape}R${d.escape}`;
      case '\n':
        // `\.br\` would be split apart if a delimiter is '.', rare but legal.
        return usesDot(d) ? `${d.escape}X0A${d.escape}` : `${d.escape}.br${d.escape}`;
      case d.truncation:
        return `${d.escape}P${d.escape}`;
      default: // CR and the control characters a parser refuses as not text
        return `${d.escape}X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${d.escape}`;
    }
  });
}

function usesDot(d: Hl7Delimiters): boolean {
  return d.field === '.' || d.component === '.' || d.repetition === '.' || d.subcomponent === '.' || d.escape === '.';
}

/** Patterns matching any character that needs escaping. */
function escapePatterns(d: Hl7Delimiters): EscapePatterns {
  let patterns = patternsByObject.get(d);
  if (patterns !== undefined) return patterns;
  const key = d.field + d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
  patterns = patternsByChars.get(key);
  if (patterns === undefined) {
    const chars = [...key, '\n'].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    const source = `[${chars.join('')}\\x00-\\x08\\x0b\\x0d-\\x1f]`;
    patterns = { find: new RegExp(source), all: new RegExp(source, 'g') };
    if (patternsByChars.size >= MAX_CACHED_PATTERNS) patternsByChars.clear();
    patternsByChars.set(key, patterns);
  }
  patternsByObject.set(d, patterns);
  return patterns;
}

import type { Hl7Delimiters } from './hl7-message.model.js';

/** The delimiters almost every sender uses; also what an ACK falls back to. */
export const DEFAULT_DELIMITERS: Hl7Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

/** The delimiters declared by an MSH line, and where MSH-3 starts in it. */
export interface DeclaredDelimiters {
  readonly delimiters: Hl7Delimiters;
  /** MSH-2 as written (4 or 5 characters). */
  readonly encodingCharacters: string;
  /** Index in the line where MSH-3 starts; `undefined` when the line ends with MSH-2. */
  readonly restStart: number | undefined;
}

/**
 * Reads MSH-1 and MSH-2 from a line that starts with `MSH` (or `BHS`/`FHS`). Returns
 * `undefined` when they are not usable: MSH-2 must hold 4 or 5 characters and all
 * delimiters must be distinct printable non-alphanumeric characters, or splitting
 * would silently misread every field.
 */
export function readDeclaredDelimiters(line: string): DeclaredDelimiters | undefined {
  if (line.length < 4) return undefined;
  const field = line[3]!;
  let encEnd = line.indexOf(field, 4);
  if (encEnd === -1) encEnd = line.length;
  const enc = line.slice(4, encEnd);
  if (enc.length !== 4 && enc.length !== 5) return undefined;
  const all = field + enc;
  for (let i = 0; i < all.length; i++) {
    if (!isDelimiterChar(all.charCodeAt(i)) || all.indexOf(all[i]!) !== i) return undefined;
  }
  const delimiters: Hl7Delimiters =
    enc.length === 5
      ? { field, component: enc[0]!, repetition: enc[1]!, escape: enc[2]!, subcomponent: enc[3]!, truncation: enc[4]! }
      : { field, component: enc[0]!, repetition: enc[1]!, escape: enc[2]!, subcomponent: enc[3]! };
  return { delimiters, encodingCharacters: enc, restStart: encEnd < line.length ? encEnd + 1 : undefined };
}

function isDelimiterChar(c: number): boolean {
  if (c <= 0x20 || c === 0x7f) return false; // controls and space
  if (c >= 0x30 && c <= 0x39) return false; // digits
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return false; // letters
  if (c >= 0x80 && c <= 0xa0) return false; // C1 controls, no-break space
  return c < 0xd800 || c > 0xdfff; // a lone surrogate is not a character
}

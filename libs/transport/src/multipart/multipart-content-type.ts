import { MultipartError } from './multipart.errors.js';

/** A media type split into its essence (lower case) and parameters (names lower case, values unquoted). */
export interface MediaType {
  readonly essence: string;
  readonly params: ReadonlyMap<string, string>;
}

// RFC 7231 token and quoted-string (with quoted-pair), parameters separated by `;`.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses a Content-Type (or one Accept entry) as RFC 7231 §3.1.1.1 writes it:
 * `type/subtype *( OWS ";" OWS name "=" ( token / quoted-string ) )`. Lenient about spaces and
 * empty parameters (`a/b;;`), strict about quotes (an unterminated quoted string throws).
 */
export function parseMediaType(value: string): MediaType {
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params = new Map<string, string>();
  let at = semicolon === -1 ? value.length : semicolon + 1;
  while (at < value.length) {
    while (at < value.length && (value[at] === ' ' || value[at] === '\t' || value[at] === ';')) at++;
    if (at >= value.length) break;
    const eq = value.indexOf('=', at);
    if (eq === -1) throw badParams('a parameter without a value');
    const name = value.slice(at, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) throw badParams('an invalid parameter name');
    at = eq + 1;
    let paramValue: string;
    if (value[at] === '"') {
      let out = '';
      at++;
      for (;;) {
        if (at >= value.length) throw badParams('an unterminated quoted string');
        const c = value[at]!;
        if (c === '\\' && at + 1 < value.length) {
          out += value[at + 1];
          at += 2;
        } else if (c === '"') {
          at++;
          break;
        } else {
          out += c;
          at++;
        }
      }
      paramValue = out;
      while (at < value.length && value[at] !== ';') {
        if (value[at] !== ' ' && value[at] !== '\t') throw badParams('text after a quoted string');
        at++;
      }
    } else {
      const end = value.indexOf(';', at);
      paramValue = value.slice(at, end === -1 ? value.length : end).trim();
      at = end === -1 ? value.length : end;
    }
    // The first occurrence wins: a repeated parameter must not let a later one smuggle a boundary in.
    if (!params.has(name)) params.set(name, paramValue);
  }
  return { essence, params };
}

// RFC 2046 §5.1.1: bcharsnospace and space, 1..70 characters, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary of a multipart media type; MultipartError when missing or not a valid RFC 2046 boundary. */
export function multipartBoundaryOf(mediaType: MediaType): string {
  const boundary = mediaType.params.get('boundary');
  if (boundary === undefined || boundary.length === 0) throw new MultipartError('MULTIPART_BAD_CONTENT_TYPE', 'The multipart Content-Type has no boundary');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('MULTIPART_BAD_CONTENT_TYPE', 'The multipart boundary is not a valid RFC 2046 boundary');
  return boundary;
}

function badParams(what: string): MultipartError {
  return new MultipartError('MULTIPART_BAD_CONTENT_TYPE', `The Content-Type has ${what}`);
}

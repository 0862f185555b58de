import { InvalidInputError } from '@hie/common';

/** A lone UTF-16 surrogate: with the u flag, valid pairs are one code point and do not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, no
 * whitespace, numbers in ECMAScript's shortest round-trip form, strings escaped as
 * ECMAScript's JSON.stringify does. Like JSON.stringify, `undefined` members are dropped and
 * `toJSON()` is honoured. Throws InvalidInputError for what I-JSON forbids: non-finite
 * numbers and lone surrogates. The same value always gives the same bytes, so the output
 * is what the engine hashes.
 */
export function canonicalJson(value: unknown): string {
  const out = serialize(value);
  if (out === undefined) throw new InvalidInputError('JCS_UNSERIALIZABLE', 'Value has no JSON form');
  return out;
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidInputError('JCS_NUMBER', 'Non-finite numbers have no JSON form');
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new InvalidInputError('JCS_STRING', 'Lone surrogates are not allowed in I-JSON');
      return JSON.stringify(value);
    case 'object': {
      const withJson = value as { toJSON?: unknown };
      if (typeof withJson.toJSON === 'function') return serialize((withJson.toJSON as () => unknown).call(value));
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += serialize(value[i]) ?? 'null';
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = serialize(record[key]);
        if (member === undefined) continue;
        if (LONE_SURROGATE.test(key)) throw new InvalidInputError('JCS_STRING', 'Lone surrogates are not allowed in I-JSON');
        out += `${first ? '' : ','}${JSON.stringify(key)}:${member}`;
        first = false;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new InvalidInputError('JCS_NUMBER', 'BigInt has no JSON form');
    default:
      return undefined;
  }
}

// @ts-check
/** Corpus messages from fixtures/hl7v2/ turned into cheap templates with unique ids per message. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const fixturesDir = join(repoRoot, 'fixtures', 'hl7v2');

/** Families the engine converts (issue 2). */
export const SUPPORTED = /^(ADT|ORU|ORM|OML|VXU|LAB-OR|LRI|IZ_|MDHHS-OML).*\.hl7$/;

/** @param {string} name */
export function readFixture(name) {
  return readFileSync(join(fixturesDir, name), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim().length > 0)
    .join('\r');
}

/** @param {RegExp} pattern */
export function listFixtures(pattern) {
  return readdirSync(fixturesDir).filter((f) => pattern.test(f)).sort();
}

/**
 * MSH-9 as `CODE^EVENT` of a message.
 * @param {string} message
 */
export function messageType(message) {
  const msh9 = message.split('\r')[0]?.split('|')[8] ?? '';
  return msh9.split('^').slice(0, 2).join('^');
}

/**
 * Business identifiers that key resources (a resource id is derived from them): the fields
 * whose first component each copy of a template makes unique, as real traffic has a new
 * order number, specimen id or diagnosis id per patient. Without this, thousands of
 * "different" patients would share one order, one Procedure, one Condition, and every
 * message would rewrite those shared resources: a workload no hospital sends.
 * @type {Record<string, number[]>}
 */
const PER_MESSAGE_IDENTIFIERS = { ORC: [2, 3], OBR: [2, 3], DG1: [20], PR1: [19], SPM: [2], IAM: [7] };

/**
 * A template: MSH-10, every PID-3 repetition, PV1-19 and the identifiers above replaced by
 * placeholders, so a unique message costs a few string replacements.
 * @param {string} message
 * @returns {(tag: string) => string}
 */
export function template(message) {
  const segments = message.split('\r').map((segment) => {
    const fields = segment.split('|');
    const name = fields[0] ?? '';
    if (name === 'MSH') fields[9] = '@@CID@@';
    else if (name === 'PID' && fields.length > 3) fields[3] = (fields[3] ?? '').split('~').map((rep) => replaceFirstComponent(rep, '@@MRN@@')).join('~');
    else if (name === 'PV1' && (fields[19] ?? '') !== '') fields[19] = replaceFirstComponent(fields[19] ?? '', '@@VN@@');
    for (const n of PER_MESSAGE_IDENTIFIERS[name] ?? []) {
      const value = fields[n] ?? '';
      if (value !== '') fields[n] = replaceFirstComponent(value, `${value.split(/[\^~]/)[0]}-@@TAG@@`);
    }
    return fields.join('|');
  });
  const text = segments.join('\r');
  return (tag) => text.replaceAll('@@CID@@', tag).replaceAll('@@MRN@@', `MRN${tag}`).replaceAll('@@VN@@', `V${tag}`).replaceAll('@@TAG@@', tag);
}

/**
 * @param {string} field
 * @param {string} value
 */
function replaceFirstComponent(field, value) {
  const [first = '', ...reps] = field.split('~');
  const components = first.split('^');
  components[0] = value;
  return [components.join('^'), ...reps].join('~');
}

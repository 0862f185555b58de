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
 * A template: MSH-10, PID-3.1 (first repetition) and PV1-19.1 replaced by placeholders, so a
 * unique message costs three string replacements.
 * @param {string} message
 * @returns {(tag: string) => string}
 */
export function template(message) {
  const segments = message.split('\r').map((segment) => {
    const fields = segment.split('|');
    if (segment.startsWith('MSH|')) fields[9] = '@@CID@@';
    else if (segment.startsWith('PID|') && fields.length > 3) fields[3] = replaceFirstComponent(fields[3] ?? '', '@@MRN@@');
    else if (segment.startsWith('PV1|') && (fields[19] ?? '') !== '') fields[19] = replaceFirstComponent(fields[19] ?? '', '@@VN@@');
    return fields.join('|');
  });
  const text = segments.join('\r');
  return (tag) => text.replace('@@CID@@', tag).replace('@@MRN@@', `MRN${tag}`).replace('@@VN@@', `V${tag}`);
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

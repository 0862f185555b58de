import { attr, child, type XmlElement } from '@hie/cda';
import { hasAnyTemplate, CLINICAL_TEMPLATE as T, findStatements } from './clinical-statement.helpers.js';
import { mapNoteActivity } from './notes.section.js';
import { mapProblemObservation } from './problems.section.js';
import type { SectionMapper } from './section-mapper.js';
import type { Reference } from '../cda-datatypes.js';

const LOINC_OID = '2.16.840.1.113883.6.1';

function isProblemOrNote(e: XmlElement): boolean {
  return (e.name === 'observation' && hasAnyTemplate(e, [T.problemObservation])) || (e.name === 'act' && hasAnyTemplate(e, [T.noteActivity]));
}

/**
 * Assessment: C-CDA gives it narrative only; the narrative is the section's text. Problem
 * Observations (as Conditions, category by the section's LOINC code) and Note Activities some
 * senders add are kept.
 */
export const mapAssessmentSection: SectionMapper = (section, ctx) => {
  const code = child(section, 'code');
  const loinc = attr(code, 'codeSystem') === LOINC_OID ? attr(code, 'code') : undefined;
  const category = ctx.tables.valueMap('condition-category', loinc ?? '');
  const out: Reference[] = [];
  for (const found of findStatements(section, 'assessment', isProblemOrNote)) {
    const ref = found.element.name === 'act' ? mapNoteActivity(found, ctx) : mapProblemObservation(found, category, ctx);
    if (ref) out.push(ref);
  }
  return out;
};

import type { XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import type { Reference } from '../fhir-datatypes.model.js';

/**
 * Maps a section's entries: adds resources to ctx, returns the references for
 * Composition.section.entry (in entry order; an entry may yield several resources but
 * returns the main one).
 */
export type SectionMapper = (section: XmlElement, ctx: CdaContext) => Reference[];

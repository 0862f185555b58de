/**
 * Rule checks over every CDA corpus document (after Microsoft FHIR-Converter's own rule tests):
 * converts and validates, references resolve, ids unique, nothing empty, every coded entry of a
 * known section kind yields a resource with its code, one Composition section per CDA section,
 * and the store's transaction holds every resource.
 */
import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from '@hie/cda';
import { createR4Validator, type Bundle, type FhirResource } from '@hie/fhir';
import { emptyElements } from './bundle-rules.js';
import { cdaSections, codesIn, compositionShape, duplicateDocumentIds, entryCodes, sectionShape, unresolvedDocumentReferences, type CdaSection } from './cda-bundle-rules.js';
import { cdaConversion, cdaFixtureNames, cdaTables, readCdaFixture } from './cda-fixtures.js';

const validator = createR4Validator();
const names = cdaFixtureNames();

function flatten(sections: readonly CdaSection[]): CdaSection[] {
  return sections.flatMap((s) => [s, ...flatten(s.children)]);
}

describe('CDA corpus documents: rule checks', () => {
  it('covers the 22 corpus documents, and the coded-entry rule has entries to check', () => {
    expect(names).toHaveLength(22);
    let checked = 0;
    for (const name of names) {
      for (const section of flatten(cdaSections(parseXml(readCdaFixture(name)), cdaTables()))) {
        if (section.kind === 'narrative') continue;
        checked += section.element.children.filter((c) => c.name === 'entry' && entryCodes(c).all.length > 0).length;
      }
    }
    // So a change to the section classification or the code reading cannot make the rule vacuous.
    expect(checked).toBeGreaterThan(200);
  });

  for (const name of names) {
    describe(name, () => {
      const raw = readCdaFixture(name);
      const root: XmlElement = parseXml(raw);
      const attempt = cdaConversion().convert(raw);
      const document = (attempt.ok ? attempt.document : { resourceType: 'Bundle', type: 'document', entry: [] }) as Bundle;
      const resources = (document.entry ?? []).map((e) => e.resource!).filter(Boolean);

      it('converts to a FHIR document Bundle that validates (no error or fatal issue)', () => {
        expect(attempt.ok ? [] : attempt.outcome.issue.map((i) => `${i.details?.coding?.[0]?.code ?? i.code} ${i.expression?.join(',') ?? ''} ${i.diagnostics ?? ''}`)).toEqual([]);
        expect(document.type).toBe('document');
        expect(resources[0]?.resourceType).toBe('Composition');
        const errors = validator.validate(document).filter((i) => i.severity === 'error' || i.severity === 'fatal');
        expect(errors).toEqual([]);
        for (const type of ['Patient', 'DocumentReference']) expect(resources.map((r) => r.resourceType)).toContain(type);
      });

      it('every reference resolves inside the Bundle; ids and fullUrls are unique', () => {
        expect(unresolvedDocumentReferences(document)).toEqual([]);
        expect(duplicateDocumentIds(document)).toEqual([]);
      });

      it('has no empty resource, element or string', () => {
        expect(emptyElements(document)).toEqual([]);
      });

      it('the Composition has one section per CDA section (nested ones nested)', () => {
        const composition = resources[0]!;
        expect(compositionShape(composition)).toBe(sectionShape(cdaSections(root, cdaTables())));
      });

      it('every coded entry of a known section kind yields a resource carrying its code', () => {
        const carried = new Set(resources.filter((r) => r.resourceType !== 'Composition').flatMap((r) => [...codesIn(r)]));
        const missing: string[] = [];
        for (const section of flatten(cdaSections(root, cdaTables()))) {
          if (section.kind === 'narrative') continue;
          section.element.children
            .filter((c) => c.name === 'entry')
            .forEach((entry, i) => {
              const codes = entryCodes(entry);
              if (codes.primary !== undefined && !carried.has(codes.primary)) missing.push(`${section.kind} entry ${i + 1}: its code ${codes.primary}`);
              else if (codes.all.length > 0 && !codes.all.some((c) => carried.has(c))) missing.push(`${section.kind} entry ${i + 1}: none of its codes ${codes.all.join(' ')}`);
            });
        }
        expect(missing).toEqual([]);
      });

      it('the transaction for the store PUTs every resource of the document', () => {
        if (!attempt.ok) throw new Error('not converted');
        expect(attempt.bundle.type).toBe('transaction');
        expect(attempt.bundle.entry!.map((e) => e.request?.url)).toEqual(resources.map((r: FhirResource) => `${r.resourceType}/${r.id}`));
        expect(attempt.bundle.entry!.every((e) => e.request?.method === 'PUT')).toBe(true);
      });
    });
  }
});

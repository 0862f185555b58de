import { deterministicId } from '@hie/common';
import type { FhirResource } from '@hie/fhir';

/** The Endpoint id of a DICOMweb base URL: one Endpoint per engine (per base URL). */
export function dicomwebEndpointId(idSecret: string, baseUrl: string): string {
  return deterministicId(idSecret, ['Endpoint', 'dicom-wado-rs', baseUrl]);
}

/**
 * The engine's WADO-RS Endpoint, which every ImagingStudy names so a viewer knows where to
 * retrieve the instances (`<address>/studies/<StudyInstanceUID>`). Written with each study; after
 * the first time the write is a no-op (same content).
 */
export function buildDicomwebEndpoint(idSecret: string, baseUrl: string): FhirResource {
  return {
    resourceType: 'Endpoint',
    id: dicomwebEndpointId(idSecret, baseUrl),
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
    name: 'DICOMweb WADO-RS',
    payloadType: [{ text: 'DICOM' }],
    payloadMimeType: ['application/dicom'],
    address: baseUrl,
  };
}

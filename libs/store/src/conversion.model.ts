import type { Bundle, OperationOutcome } from '@hie/fhir';

/**
 * What a worker produced for one message.
 * `converted`: a transaction Bundle whose entries are `PUT <Type>/<id>` with the resource, or
 * `PATCH <Type>/<id>` with a Binary resource (contentType `application/json-patch+json`,
 * data = base64 RFC 6902 JSON Patch).
 */
export type ConversionOutcome =
  | { messageId: string; kind: 'converted'; bundle: Bundle }
  | { messageId: string; kind: 'failed'; outcome: OperationOutcome };

/** Per message: `applied` (its outcome was recorded) or `skipped` (it was no longer `received`). */
export type CommitResult = Map<string, 'applied' | 'skipped'>;

import { Logger } from '@nestjs/common';
import type { DicomIntakeService } from '@hie/pipeline';
import { MultipartError, multipartBoundaryOf, parseMediaType, readMultipartParts } from '@hie/transport';
import { stowResponse, type StowPartResult } from './dicomweb-stow.response.js';

/** What a STOW-RS request comes to: the response, or a content type this endpoint does not take (415). */
export type StowOutcome = { kind: 'stored'; status: 200 | 202 | 409; dataset: ReturnType<typeof stowResponse>['dataset'] } | { kind: 'unsupported-media-type'; reason: string };

const DICOM = 'application/dicom';

/**
 * STOW-RS: reads a `multipart/related; type="application/dicom"` body part by part, as it
 * arrives, and hands each part's byte stream to DICOM intake one after the other (intake encrypts
 * and stores it while it streams: nothing is held whole). A part with another Content-Type is
 * skipped and reported failed. A malformed body (no boundary, no closing boundary...) throws
 * MultipartError (400) even when parts before the fault were stored.
 */
export class DicomwebStowHandler {
  private readonly logger = new Logger('DICOMweb');

  constructor(private readonly intake: Pick<DicomIntakeService, 'accept'>) {}

  async store(body: AsyncIterable<Uint8Array>, contentType: string | undefined, base: string, study?: string): Promise<StowOutcome> {
    const media = parseMediaType(contentType ?? '');
    if (media.essence !== 'multipart/related') return { kind: 'unsupported-media-type', reason: 'STOW-RS takes multipart/related; type="application/dicom"' };
    const type = media.params.get('type');
    if (type !== undefined && parseMediaType(type).essence !== DICOM) {
      return { kind: 'unsupported-media-type', reason: 'Only application/dicom parts are supported (not the metadata + bulk data form)' };
    }
    const boundary = multipartBoundaryOf(media);
    const results: StowPartResult[] = [];
    try {
      for await (const part of readMultipartParts(body, boundary)) {
        const partType = part.contentType === undefined ? DICOM : parseMediaTypeLeniently(part.contentType);
        if (partType !== DICOM) {
          results.push({ ok: false, code: 'DICOMWEB_PART_NOT_DICOM' });
          continue;
        }
        results.push(await this.intake.accept({ channel: 'dicomweb', body: part.body, ...(study !== undefined ? { expectedStudyInstanceUid: study } : {}) }));
      }
    } catch (error) {
      if (error instanceof MultipartError && results.length > 0) {
        this.logger.warn(`STOW-RS body malformed after ${results.length} part(s) (${error.code}); those parts were handled`);
      }
      throw error;
    }
    if (results.length === 0) throw new MultipartError('MULTIPART_TRUNCATED', 'The multipart body holds no part');
    const stored = results.filter((r) => r.ok).length;
    this.logger.log(`STOW-RS: ${stored} stored, ${results.length - stored} failed`);
    return { kind: 'stored', ...stowResponse(results, base, study) };
  }
}

function parseMediaTypeLeniently(value: string): string {
  try {
    return parseMediaType(value).essence;
  } catch {
    return value.trim().toLowerCase();
  }
}

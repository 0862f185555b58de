import type { DicomQueryRepository } from '@hie/store';
import { instanceResult, seriesResult, studyResult, type DicomJsonObject } from './dicom-query.response.js';
import type { QidoRequest } from './dicom-query.params.js';

/** What QIDO-RS answers: the matches, and the keys it did not match on (for a Warning header). */
export interface QidoAnswer {
  readonly results: DicomJsonObject[];
  readonly ignoredKeys: readonly string[];
}

/**
 * QIDO-RS: runs a parsed request (parseQidoRequest) against the instance index and answers
 * DICOM JSON at the request's level. Study searches count series/instances over whole studies;
 * series and instance searches outside a study (or series) repeat the parents' attributes.
 */
export class DicomQueryService {
  constructor(private readonly index: Pick<DicomQueryRepository, 'searchStudies' | 'searchSeries' | 'searchInstances'>) {}

  /** The matches of `request`, as DICOM JSON objects with Retrieve URLs under `base`. */
  async search(request: QidoRequest, base: string): Promise<QidoAnswer> {
    const { criteria, page, includeFields } = request;
    if (request.matchesNothing) return { results: [], ignoredKeys: request.ignoredKeys };
    let results: DicomJsonObject[];
    switch (request.level) {
      case 'study':
        results = (await this.index.searchStudies(criteria, page)).map((m) => studyResult(m, base, includeFields));
        break;
      case 'series':
        results = (await this.index.searchSeries(criteria, page)).map((m) => seriesResult(m, base, includeFields, request.scope.study === undefined));
        break;
      case 'instance':
        results = (await this.index.searchInstances(criteria, page)).map((r) => instanceResult(r, base, includeFields, request.scope.series === undefined));
        break;
    }
    return { results, ignoredKeys: request.ignoredKeys };
  }
}

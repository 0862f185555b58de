import type { MessageStorePort, PipelineLogger } from '../pipeline.ports.js';
import { silentLogger } from '../pipeline.ports.js';
import type { RefusedIntakeRetrier } from '../reprocess.service.js';
import type { DicomIntakeService } from './dicom-intake.service.js';

/**
 * Reprocess of refused DICOM instances (`hie reprocess`, `POST /messages/{id}/$reprocess`): the
 * kept bytes go through intake again ({@link DicomIntakeService.reaccept}), one at a time (each
 * may be a large object streamed back from the content store). Failed DICOM messages that were
 * stored and then failed conversion are left to the ordinary reprocess (convert again).
 */
export class DicomRefusalRetrier implements RefusedIntakeRetrier {
  readonly formats = ['dicom'] as const;

  constructor(
    private readonly messages: Pick<MessageStorePort, 'getMany'>,
    private readonly intake: Pick<DicomIntakeService, 'reaccept' | 'isRefusal'>,
    private readonly logger: PipelineLogger = silentLogger,
  ) {}

  async retryOwned(ids: readonly string[]): Promise<{ handled: ReadonlySet<string>; accepted: number }> {
    const handled = new Set<string>();
    let accepted = 0;
    for (const message of await this.messages.getMany(ids)) {
      if (!this.intake.isRefusal(message)) continue;
      handled.add(message.id);
      const result = await this.intake.reaccept(message);
      if (result.ok) accepted++;
      else this.logger.log(`reprocess of DICOM message ${message.id}: still refused (${result.code})`);
    }
    return { handled, accepted };
  }
}

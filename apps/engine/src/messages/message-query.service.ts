import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@hie/common';
import { ReprocessService } from '@hie/pipeline';
import { FhirRepository, MESSAGE_STATUSES, MessageRepository, type MessageStatus, type MessageSummary } from '@hie/store';

const STATUSES: readonly MessageStatus[] = MESSAGE_STATUSES;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One message for the detail view: its summary, outcome and the resource versions it wrote. */
export interface MessageDetail extends MessageSummary {
  versions: { type: string; id: string; versionId: string }[];
}

/** The message store's API for operators: list, detail, reprocess. Raw bytes never leave. */
@Injectable()
export class MessageQueryService {
  constructor(
    @Inject(MessageRepository) private readonly messages: MessageRepository,
    @Inject(FhirRepository) private readonly fhir: FhirRepository,
    @Inject(ReprocessService) private readonly reprocessor: ReprocessService,
  ) {}

  list(query: { status?: string; limit?: string; before?: string }): Promise<MessageSummary[]> {
    const status = query.status;
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw new InvalidInputError('MESSAGES_BAD_STATUS', `status must be one of ${STATUSES.join(', ')}`);
    }
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new InvalidInputError('MESSAGES_BAD_LIMIT', 'limit must be an integer from 1 to 1000');
    }
    if (query.before !== undefined && !UUID.test(query.before)) {
      throw new InvalidInputError('MESSAGES_BAD_CURSOR', 'before must be a message id');
    }
    return this.messages.list({ status: status as MessageStatus | undefined, limit, before: query.before });
  }

  async detail(id: string): Promise<MessageDetail> {
    const message = UUID.test(id) ? await this.messages.get(id) : undefined;
    if (!message) throw new NotFoundError('Message');
    const { raw: _raw, ...summary } = message;
    return { ...summary, versions: await this.fhir.versionsByMessage(id) };
  }

  async reprocessOne(id: string): Promise<{ count: number }> {
    if (!UUID.test(id) || !(await this.messages.get(id))) throw new NotFoundError('Message');
    return this.reprocessor.reprocess([id]);
  }

  reprocessByStatus(status: string | undefined): Promise<{ count: number }> {
    if (status !== 'failed') throw new InvalidInputError('MESSAGES_BAD_STATUS', 'only status=failed can be reprocessed in bulk');
    return this.reprocessor.reprocess({ status: 'failed' });
  }
}

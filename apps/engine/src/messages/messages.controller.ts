import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { MessageSummary } from '@hie/store';
import { MessageQueryService, type MessageDetail } from './message-query.service.js';

/** The message store for operators. */
@Controller('messages')
export class MessagesController {
  constructor(@Inject(MessageQueryService) private readonly messages: MessageQueryService) {}

  @Get()
  list(@Query() query: { status?: string; limit?: string; before?: string }): Promise<MessageSummary[]> {
    return this.messages.list(query);
  }

  @Post('$reprocess')
  @HttpCode(202)
  reprocessAll(@Query('status') status?: string): Promise<{ count: number }> {
    return this.messages.reprocessByStatus(status);
  }

  @Get(':id')
  detail(@Param('id') id: string): Promise<MessageDetail> {
    return this.messages.detail(id);
  }

  @Post(':id/$reprocess')
  @HttpCode(202)
  reprocessOne(@Param('id') id: string): Promise<{ count: number }> {
    return this.messages.reprocessOne(id);
  }
}

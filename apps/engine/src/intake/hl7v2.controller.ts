import { Body, Controller, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { IntakeService } from '@hie/pipeline';

/** HL7 v2 over HTTP: the same intake as MLLP; the response body is the ACK. */
@Controller('hl7v2')
export class Hl7v2Controller {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @Post()
  @HttpCode(200)
  @Header('content-type', 'x-application/hl7-v2+er7')
  receive(@Body() body: unknown): Promise<string> {
    return this.intake.accept(Buffer.isBuffer(body) ? body : Buffer.alloc(0), 'http');
  }
}

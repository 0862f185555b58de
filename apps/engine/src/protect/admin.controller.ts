import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { HieError, InvalidInputError } from '@hie/common';
import type { ErasureReport, ProtectionStack } from '@hie/pipeline';
import { PROTECTION_STACK } from '../core/engine.tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Operator actions that change or destroy data; every route needs the admin token. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(@Inject(PROTECTION_STACK) private readonly protection: ProtectionStack | null) {}

  /** Crypto-shredding of one patient (`hie patient erase ID` calls this). */
  @Post('Patient/:id/$erase')
  @HttpCode(200)
  erase(@Param('id') id: string): Promise<ErasureReport> {
    if (!this.protection) throw new HieError('PROTECT_DISABLED', 'Protect and anchor is off in this engine (HIE_PROTECT=false)');
    if (!ID.test(id)) throw new InvalidInputError('FHIR_ID_INVALID', 'Not a FHIR id');
    return this.protection.eraser.erase(id);
  }
}

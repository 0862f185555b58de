import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HieError } from '@hie/common';
import type { HieConfig } from '@hie/config';
import { HIE_CONFIG } from '../core/engine.tokens.js';

/** Refused admin call: 403 (no token configured) or 401 (wrong or missing token). */
export class AdminAccessError extends HieError {}

/**
 * Admin endpoints destroy data (patient erasure): they answer only to `Authorization: Bearer
 * <HIE_ADMIN_TOKEN>`, and are off altogether while no token is configured.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(HIE_CONFIG) private readonly config: HieConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.adminToken;
    if (!expected) throw new AdminAccessError('ADMIN_DISABLED', 'Admin endpoints are off: set HIE_ADMIN_TOKEN to enable them');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '', 'utf8');
    const wanted = Buffer.from(expected, 'utf8');
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new AdminAccessError('ADMIN_UNAUTHORIZED', 'Admin endpoints need Authorization: Bearer <HIE_ADMIN_TOKEN>');
    }
    return true;
  }
}

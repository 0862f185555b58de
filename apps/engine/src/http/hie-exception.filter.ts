import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HieError, InvalidInputError, NotFoundError } from '@hie/common';
import { outcomeFromError, type OperationOutcome } from '@hie/fhir';

/**
 * The FHIR edge's one error shape: every error becomes an OperationOutcome. Domain errors
 * give a 4xx; anything else a 500 whose outcome says nothing of the cause (no stack, no PHI).
 */
@Catch()
export class HieExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, outcome } = this.describe(error);
    void reply.status(status).header('content-type', 'application/fhir+json').send(JSON.stringify(outcome));
  }

  private describe(error: unknown): { status: number; outcome: OperationOutcome } {
    if (error instanceof HieError) return { status: statusOf(error), outcome: outcomeFromError(error) };
    const status = httpStatusOf(error);
    if (status !== undefined && status < 500) {
      return { status, outcome: simpleOutcome(status === 404 ? 'not-found' : 'invalid', httpText(error, status)) };
    }
    this.logger.error(`unhandled error: ${error instanceof Error ? error.name : typeof error}`);
    return { status: 500, outcome: simpleOutcome('exception', 'Internal server error') };
  }
}

function statusOf(error: HieError): number {
  if (error instanceof NotFoundError || error.code === 'NOT_FOUND') return 404;
  if (error instanceof InvalidInputError) return 400;
  if (error.code === 'ADMIN_DISABLED') return 403;
  if (error.code === 'ADMIN_UNAUTHORIZED') return 401;
  if (error.code === 'PROTECT_DISABLED') return 501;
  return error.code.endsWith('_UNAVAILABLE') ? 503 : 400;
}

/** Nest HttpExceptions and Fastify errors (415, 413, 400 bad JSON...) carry their status. */
function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  if (error instanceof Error) {
    const code = (error as Error & { statusCode?: unknown }).statusCode;
    if (typeof code === 'number' && code >= 400 && code < 600) return code;
  }
  return undefined;
}

function httpText(error: unknown, status: number): string {
  // Framework messages can quote the request body (JSON syntax errors do): say only the
  // status and the framework's error code.
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? `HTTP ${status} (${code})` : `HTTP ${status}`;
}

function simpleOutcome(code: string, text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

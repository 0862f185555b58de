import { HieError } from '@hie/common';

/** Why an MLLP exchange failed. */
export type MllpErrorCode = 'MLLP_CONNECT_FAILED' | 'MLLP_TIMEOUT' | 'MLLP_CLOSED' | 'MLLP_ACK_TOO_LARGE';

/** A transport failure on an MLLP connection; details hold addresses and sizes, never content. */
export class MllpError extends HieError {
  declare readonly code: MllpErrorCode;

  constructor(code: MllpErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, details);
  }
}

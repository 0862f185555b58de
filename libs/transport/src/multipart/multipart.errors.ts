import { InvalidInputError } from '@hie/common';

/** Why a multipart body was refused. */
export type MultipartErrorCode =
  | 'MULTIPART_BAD_CONTENT_TYPE' // no boundary, an invalid boundary, unparsable parameters
  | 'MULTIPART_NO_BOUNDARY' // the opening boundary never came
  | 'MULTIPART_BAD_DELIMITER' // a boundary followed by something other than `--` or CRLF
  | 'MULTIPART_HEADERS_TOO_LARGE' // a part's header block over the limit
  | 'MULTIPART_BAD_HEADER' // a header line without a name and colon
  | 'MULTIPART_TRUNCATED'; // the body ended before the closing boundary

/**
 * A malformed multipart body (RFC 2046 / RFC 2387). An InvalidInputError, so the HTTP edge
 * answers 400; the message says where it broke, never what the body held.
 */
export class MultipartError extends InvalidInputError {
  declare readonly code: MultipartErrorCode;

  constructor(code: MultipartErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, details);
  }
}

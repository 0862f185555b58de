/**
 * MLLP over TCP: a listener that answers every frame in order, and a pipelining sender.
 * Network I/O only; message handling is the caller's (see `MllpServerOptions.onMessage`).
 */
export { MllpServer } from './mllp.server.js';
export type { MllpServerOptions, MllpFrameMeta, MllpLogger } from './mllp-server.options.js';
export { MllpClient, type MllpClientOptions } from './mllp.client.js';
export { MllpError, type MllpErrorCode } from './mllp.error.js';

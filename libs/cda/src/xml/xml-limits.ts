/** Bounds on what the XML reader accepts, so a hostile document costs bounded time and memory. */
export interface XmlLimits {
  /** Largest document, in bytes. */
  readonly maxBytes: number;
  /** Deepest element nesting. CDA documents nest about 20 deep; narrative tables a few more. */
  readonly maxDepth: number;
  /** Most elements in one document. */
  readonly maxElements: number;
}

/** Defaults: room for a 20 MB document with embedded attachments, nothing a real CDA needs more. */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 200,
  maxElements: 2_000_000,
};

import { parseHl7, type Hl7Message } from '@hie/hl7v2';
import type { MessageFormat } from '@hie/store';
import type { CdaConversion } from './cda/cda-conversion.js';
import { findEmbeddedCda, isDocumentMessage, mayBeDocumentMessage } from './cda/embedded-cda.extractor.js';
import type { ConversionAttempt, Hl7Conversion } from './hl7-conversion.js';

/** What the worker knows of a message when it converts it. */
export interface ConversionContext {
  readonly messageId?: string;
  readonly receivedAt?: Date;
  /** Absent: HL7 v2. */
  readonly format?: MessageFormat;
}

/** Converts a stored message of any format into a validated transaction Bundle, or an outcome. */
export interface MessageConverter {
  convert(raw: Buffer, context?: ConversionContext): ConversionAttempt;
}

/**
 * Picks the conversion for a stored message: CDA documents go to the CDA conversion; HL7 v2
 * messages to the v2 maps, except an MDM^T01..T11 that carries a CDA document (OBX ED base64,
 * or TX/FT text), which is stored as the v2 message it arrived as and converted as the document
 * it carries (the Bundle comes from the CDA; the MDM header adds nothing).
 */
export class ConversionDispatcher implements MessageConverter {
  constructor(
    private readonly hl7: Pick<Hl7Conversion, 'convert'>,
    private readonly cda: Pick<CdaConversion, 'convert'>,
    private readonly maxMessageBytes?: number,
  ) {}

  convert(raw: Buffer, context: ConversionContext = {}): ConversionAttempt {
    if (context.format === 'cda') return this.cda.convert(raw);
    const document = mayBeDocumentMessage(raw) ? this.embeddedDocument(raw) : undefined;
    if (document) return this.cda.convert(document);
    return this.hl7.convert(raw, { messageId: context.messageId, receivedAt: context.receivedAt });
  }

  private embeddedDocument(raw: Buffer): Buffer | undefined {
    let message: Hl7Message;
    try {
      message = parseHl7(raw, this.maxMessageBytes === undefined ? undefined : { maxBytes: this.maxMessageBytes });
    } catch {
      return undefined; // the v2 conversion reports the parse failure with its positions
    }
    return isDocumentMessage(message.header) ? findEmbeddedCda(message) : undefined;
  }
}

import { HIE_ERROR_CODE_SYSTEM } from '@hie/fhir';
import { parseHl7, type Hl7Message } from '@hie/hl7v2';
import type { MessageFormat } from '@hie/store';
import type { CdaConversion } from './cda/cda-conversion.js';
import { findEmbeddedCda, isDocumentMessage, mayBeDocumentMessage } from './cda/embedded-cda.extractor.js';
import type { DicomConversion } from './dicom/dicom-conversion.js';
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
  /**
   * Converts a job's messages together, one attempt per message in order. Formats whose
   * conversion reads the store (DICOM: every instance of the study) need it; absent, the worker
   * calls `convert` per message.
   */
  convertBatch?(messages: readonly BatchMessage[]): Promise<ConversionAttempt[]>;
  /**
   * Runs `body` (the job's conversion AND its commit) so that no other job of this process
   * converts the same content at the same time: a DICOM study is rebuilt from the instance index,
   * and a build read before another job's commit must not be committed after it.
   */
  exclusive?<T>(messages: readonly BatchMessage[], body: () => Promise<T>): Promise<T>;
}

/** A stored message as {@link MessageConverter.convertBatch} takes it. */
export interface BatchMessage {
  readonly id: string;
  readonly raw: Buffer;
  readonly receivedAt?: Date;
  readonly format?: MessageFormat;
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
    /** DICOM instances → ImagingStudy; absent (CLI, intake-only processes): `dicom` messages fail to convert. */
    private readonly dicom?: Pick<DicomConversion, 'convertMessages' | 'exclusive'>,
  ) {}

  /** The same dispatcher, with the DICOM conversion the worker wires in (it needs the instance index). */
  withDicom(dicom: Pick<DicomConversion, 'convertMessages' | 'exclusive'>): ConversionDispatcher {
    return new ConversionDispatcher(this.hl7, this.cda, this.maxMessageBytes, dicom);
  }

  convert(raw: Buffer, context: ConversionContext = {}): ConversionAttempt {
    if (context.format === 'dicom') return DICOM_NEEDS_BATCH;
    if (context.format === 'cda') return this.cda.convert(raw);
    const document = mayBeDocumentMessage(raw) ? this.embeddedDocument(raw) : undefined;
    if (document) return this.cda.convert(document);
    return this.hl7.convert(raw, { messageId: context.messageId, receivedAt: context.receivedAt });
  }

  /** HL7 v2 and CDA one by one; DICOM messages together (grouped by study) through the DICOM conversion. */
  async convertBatch(messages: readonly BatchMessage[]): Promise<ConversionAttempt[]> {
    const dicom = messages.filter((m) => m.format === 'dicom');
    const dicomAttempts = dicom.length > 0 && this.dicom ? await this.dicom.convertMessages(dicom) : new Map<string, ConversionAttempt>();
    return messages.map((m) =>
      m.format === 'dicom'
        ? (dicomAttempts.get(m.id) ?? DICOM_NEEDS_BATCH)
        : this.convert(m.raw, { messageId: m.id, receivedAt: m.receivedAt, format: m.format }),
    );
  }

  /** DICOM messages hold their studies for the job (see {@link MessageConverter.exclusive}); other formats need no lock. */
  async exclusive<T>(messages: readonly BatchMessage[], body: () => Promise<T>): Promise<T> {
    const dicom = messages.filter((m) => m.format === 'dicom');
    return dicom.length > 0 && this.dicom ? this.dicom.exclusive(dicom, body) : body();
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

/** A `dicom` message outside a worker wired with the DICOM conversion (it reads the instance index). */
const DICOM_NEEDS_BATCH: ConversionAttempt = {
  ok: false,
  outcome: {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'not-supported',
        details: { text: 'DICOM messages are converted by the worker, which reads the instance index', coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: 'DICOM_CONVERSION_UNAVAILABLE' }] },
      },
    ],
  },
};

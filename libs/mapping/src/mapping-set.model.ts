import type { Bundle, OperationOutcomeIssue } from '@hie/fhir';
import type { Hl7Header, Hl7Message } from '@hie/hl7v2';

/** One mapping file as read from disk by the caller; `path` is relative to `mappings/`. */
export interface MappingFile {
  path: string;
  text: string;
}

export interface ConvertOptions {
  /** Deployment secret keying the deterministic resource ids. */
  idSecret: string;
  /** The message store's id of this message, recorded in Provenance.entity. */
  messageId?: string;
  /** When the engine received the message: Provenance.recorded (else MSH-7). */
  receivedAt?: Date;
  /**
   * Time zone (`+02:00`, `Z`) assumed for v2 times sent without one. When absent, such
   * times are reduced to date precision instead of inventing a zone.
   */
  timezone?: string;
}

export interface ConversionResult {
  bundle: Bundle;
  /** Warnings (values dropped, codes not mapped...): PHI-free, `expression` is the v2 position. */
  issues: OperationOutcomeIssue[];
}

/** How a mapped v2 position is turned into output, for rule checks. */
export interface MappedSource {
  /** v2 position, e.g. `PID-5.1.1`, `OBX-5`. */
  position: string;
  /** `string` (copied as is), `transform:<name>`, `code:<table>`, `fn:<name>`. */
  read: string;
  /** For `fn:` reads: every argument position of that call (the function chooses among them). */
  args?: string[];
}

/** All maps, compiled once; safe to share across messages and calls. */
export interface MappingSet {
  /** True when a map exists for this message (by MSH-9 code^event, falling back to MSH-9.3 structure). */
  supports(header: Pick<Hl7Header, 'messageCode' | 'triggerEvent' | 'messageStructure'>): boolean;
  /** Converts one message into a FHIR R4 transaction Bundle; throws ConversionError. */
  convert(message: Hl7Message, options: ConvertOptions): ConversionResult;
  /** For rule checks: every v2 source position the maps read for this message, e.g. `['PID-3.1', 'PID-5.1.1', 'OBX-5', ...]`. */
  mappedSourcePositions(message: Hl7Message): string[];
  /** Like `mappedSourcePositions`, with how each position is read (copied, transformed, looked up). */
  mappedSources(message: Hl7Message): MappedSource[];
}

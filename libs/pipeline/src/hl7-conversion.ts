import type { Bundle, FhirValidator, OperationOutcome, OperationOutcomeIssue } from '@hie/fhir';
import { parseHl7 } from '@hie/hl7v2';
import type { HieConfig } from '@hie/config';
import type { MappingSet } from '@hie/mapping';
import { failure, failureFromError, toIssue } from './hl7-failure.mapper.js';

/** Settings of an {@link Hl7Conversion}. */
export interface Hl7ConversionOptions {
  /** Keys the deterministic resource ids. */
  readonly idSecret: string;
  readonly maxMessageBytes?: number;
  /** UTC offset assumed for v2 times sent without one (see HieConfig.sourceTimezone). */
  readonly timezone?: string;
}

/** A conversion either gives a valid Bundle (with warnings) or an OperationOutcome. */
export type ConversionAttempt =
  | { readonly ok: true; readonly bundle: Bundle; readonly issues: OperationOutcomeIssue[] }
  | { readonly ok: false; readonly outcome: OperationOutcome };

/**
 * HL7 v2 bytes → FHIR R4 transaction Bundle, validated. Used by the worker and by
 * `hie convert`. No I/O. Any problem with the message (parse, mapping, validation) is an
 * `ok: false` result whose outcome names v2 positions or FHIRPaths, never values.
 */
export class Hl7Conversion {
  constructor(
    private readonly mappings: Pick<MappingSet, 'supports' | 'convert'>,
    private readonly validator: FhirValidator,
    private readonly options: Hl7ConversionOptions,
  ) {}

  /** The conversion as the engine and `hie convert` run it, from the deployment's settings. */
  static fromConfig(mappings: Pick<MappingSet, 'supports' | 'convert'>, validator: FhirValidator, config: HieConfig): Hl7Conversion {
    return new Hl7Conversion(mappings, validator, {
      idSecret: config.idSecret,
      maxMessageBytes: config.limits.maxMessageBytes,
      timezone: config.sourceTimezone,
    });
  }

  convert(raw: string | Uint8Array, context: { messageId?: string; receivedAt?: Date } = {}): ConversionAttempt {
    let bundle: Bundle;
    let warnings: OperationOutcomeIssue[];
    try {
      const message = parseHl7(raw, this.options.maxMessageBytes === undefined ? undefined : { maxBytes: this.options.maxMessageBytes });
      if (!this.mappings.supports(message.header)) {
        return failed([toIssue(failure('HL7_UNSUPPORTED_MESSAGE', { segment: 'MSH', segmentIndex: 1, field: 9 }))]);
      }
      const result = this.mappings.convert(message, { idSecret: this.options.idSecret, timezone: this.options.timezone, ...context });
      bundle = result.bundle;
      warnings = result.issues;
    } catch (error) {
      return failed([toIssue(failureFromError(error))]);
    }
    const validation = this.validator.validate(bundle);
    const errors = validation.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    if (errors.length > 0) {
      return failed([toIssue(failure('FHIR_INVALID')), ...errors]);
    }
    return { ok: true, bundle, issues: [...warnings, ...validation] };
  }
}

function failed(issue: OperationOutcomeIssue[]): ConversionAttempt {
  return { ok: false, outcome: { resourceType: 'OperationOutcome', issue } };
}

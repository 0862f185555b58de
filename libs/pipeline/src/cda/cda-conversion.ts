import { createHash } from 'node:crypto';
import { DEFAULT_XML_LIMITS, parseXml, type XmlElement, type XmlLimits } from '@hie/cda';
import type { HieConfig } from '@hie/config';
import type { Bundle, FhirValidator, OperationOutcomeIssue } from '@hie/fhir';
import { convertCdaDocument, type CdaTables } from '@hie/mapping';
import { cdaFailure, cdaFailureFromError, cdaIssue, outcomeOf, type CdaFailure } from './cda-failure.mapper.js';
import { documentToTransaction } from './document-transaction.js';
import { isClinicalDocument } from './clinical-document.summary.js';

/** Settings of a {@link CdaConversion}. */
export interface CdaConversionOptions {
  /** Keys the deterministic resource ids. */
  readonly idSecret: string;
  /** Bounds on the XML read (size, depth, elements). */
  readonly limits?: XmlLimits;
}

/**
 * A CDA conversion either gives the document Bundle (for `?sync=true` and `hie convert`) with
 * the transaction Bundle the store commits (the same resources, `PUT Type/id`), or an
 * OperationOutcome plus the failure that explains it.
 */
export type CdaConversionAttempt =
  | {
      readonly ok: true;
      /** The transaction Bundle the FHIR store commits. */
      readonly bundle: Bundle;
      /** The FHIR document Bundle (Composition first). */
      readonly document: Bundle;
      readonly issues: OperationOutcomeIssue[];
      /** CCD, Discharge Summary... as the converter recognised it. */
      readonly documentType?: string;
    }
  | { readonly ok: false; readonly outcome: ReturnType<typeof outcomeOf>; readonly failure: CdaFailure };

/**
 * CDA R2 / C-CDA bytes → FHIR R4 document Bundle, validated, plus its transaction Bundle for the
 * store. Used by the worker, the `?sync=true` intake and `hie convert`. No I/O. The outcome of a
 * failure names codes, limits and paths, never values from the document.
 */
export class CdaConversion {
  private readonly limits: XmlLimits;

  constructor(
    private readonly tables: CdaTables,
    private readonly validator: FhirValidator,
    private readonly options: CdaConversionOptions,
  ) {
    this.limits = options.limits ?? DEFAULT_XML_LIMITS;
  }

  /** The conversion as the engine and `hie convert` run it, from the deployment's settings. */
  static fromConfig(tables: CdaTables, validator: FhirValidator, config: HieConfig): CdaConversion {
    return new CdaConversion(tables, validator, { idSecret: config.idSecret, limits: xmlLimitsOf(config) });
  }

  /** Parses (safely, within the limits) and converts. */
  convert(raw: Uint8Array): CdaConversionAttempt {
    let root: XmlElement;
    try {
      root = parseXml(raw, this.limits);
    } catch (error) {
      return failed(cdaFailureFromError(error));
    }
    return this.convertParsed(root, raw);
  }

  /** Converts a document already parsed by intake (so `?sync=true` reads the XML once). */
  convertParsed(root: XmlElement, raw: Uint8Array): CdaConversionAttempt {
    if (!isClinicalDocument(root)) return failed(cdaFailure('CDA_NOT_CLINICAL_DOCUMENT'));
    let document: Bundle;
    let warnings: OperationOutcomeIssue[];
    let documentType: string | undefined;
    try {
      const sha1Base64 = createHash('sha1').update(raw).digest('base64');
      const result = convertCdaDocument(root, { bytes: raw, sha1Base64 }, this.tables, { idSecret: this.options.idSecret });
      document = result.bundle;
      warnings = result.issues;
      documentType = result.documentType;
    } catch (error) {
      return failed(cdaFailureFromError(error));
    }
    const validation = this.validator.validate(document);
    const errors = validation.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    if (errors.length > 0) {
      const failure = cdaFailure('FHIR_INVALID');
      return { ok: false, outcome: outcomeOf([cdaIssue(failure), ...errors]), failure };
    }
    let transaction: Bundle;
    try {
      transaction = documentToTransaction(document);
    } catch (error) {
      return failed(cdaFailureFromError(error));
    }
    return {
      ok: true,
      bundle: transaction,
      document,
      issues: [...warnings, ...validation],
      ...(documentType ? { documentType } : {}),
    };
  }
}

/** The XML limits of a deployment (size and depth configurable; element count the reader's default). */
export function xmlLimitsOf(config: HieConfig): XmlLimits {
  return { ...DEFAULT_XML_LIMITS, maxBytes: config.limits.maxCdaBytes, maxDepth: config.limits.maxCdaDepth };
}

function failed(failure: CdaFailure): CdaConversionAttempt {
  return { ok: false, outcome: outcomeOf([cdaIssue(failure)]), failure };
}

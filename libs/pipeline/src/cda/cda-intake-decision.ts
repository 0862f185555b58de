import { parseXml, type XmlElement, type XmlLimits } from '@hie/cda';
import { cdaFailure, cdaFailureFromError, type CdaFailure } from './cda-failure.mapper.js';
import { isClinicalDocument, summarizeDocument, type ClinicalDocumentSummary } from './clinical-document.summary.js';

/** What intake decided about one CDA document, before it is stored. */
export type CdaIntakeDecision =
  | {
      readonly status: 'received';
      /** The parsed document, so a `?sync=true` conversion does not read it twice. */
      readonly root: XmlElement;
      readonly summary: ClinicalDocumentSummary;
    }
  | { readonly status: 'failed'; readonly failure: CdaFailure; readonly summary: ClinicalDocumentSummary };

const NO_SUMMARY: ClinicalDocumentSummary = { messageType: 'CDA' };

/**
 * Decides whether a document goes on to conversion: size first (a document over the limit is
 * never parsed: only its head may even be here), then the safe XML read (no DOCTYPE, bounded
 * depth and element count), then a ClinicalDocument root. Never throws: every input, even
 * hostile, gets a decision and is stored.
 */
export function decideCdaIntake(raw: Buffer, totalBytes: number, limits: XmlLimits): CdaIntakeDecision {
  const refuse = (failure: CdaFailure, summary = NO_SUMMARY): CdaIntakeDecision => ({ status: 'failed', failure, summary });
  if (totalBytes > limits.maxBytes) return refuse(cdaFailure('XML_TOO_LARGE', { diagnostics: `Document is larger than ${limits.maxBytes} bytes` }));
  if (isBlank(raw)) return refuse(cdaFailure('CDA_EMPTY'));
  let root: XmlElement;
  try {
    root = parseXml(raw, limits);
  } catch (error) {
    return refuse(cdaFailureFromError(error));
  }
  if (!isClinicalDocument(root)) return refuse(cdaFailure('CDA_NOT_CLINICAL_DOCUMENT'));
  return { status: 'received', root, summary: summarizeDocument(root) };
}

function isBlank(raw: Buffer): boolean {
  const start = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  for (let i = start; i < raw.length; i++) {
    const byte = raw[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  }
  return true;
}

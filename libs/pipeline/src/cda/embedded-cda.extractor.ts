import { findSegments, getValue, type Hl7Delimiters, type Hl7Field, type Hl7Header, type Hl7Message } from '@hie/hl7v2';

/** `<ClinicalDocument` with or without a namespace prefix, as a tag (not a word in prose). */
const CLINICAL_DOCUMENT_TAG = /<(?:[A-Za-z_][\w.-]*:)?ClinicalDocument[\s>/]/;
/** Only this much of a decoded attachment is searched for the root tag (prolog and comments come first). */
const SNIFF_CHARS = 64 * 1024;

/** MDM triggers that carry a document (T01 original ... T11 cancel). */
const DOCUMENT_TRIGGER = /^T(0[1-9]|1[01])$/;

/** MDM^T01..T11: the HL7 v2 messages that may carry a CDA document. */
export function isDocumentMessage(header: Pick<Hl7Header, 'messageCode' | 'triggerEvent'>): boolean {
  return header.messageCode === 'MDM' && DOCUMENT_TRIGGER.test(header.triggerEvent);
}

/**
 * A byte-level look at MSH-9 (`MDM^...`), so only document messages pay for the extra parse the
 * CDA path needs; every other message goes straight to the HL7 v2 conversion.
 */
export function mayBeDocumentMessage(raw: Uint8Array): boolean {
  let start = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a || raw[start] === 0x20)) start++;
  if (raw[start] !== 0x4d || raw[start + 1] !== 0x53 || raw[start + 2] !== 0x48) return false; // MSH
  const separator = raw[start + 3];
  if (separator === undefined) return false;
  // MSH-9 is the 8th separator after "MSH" (MSH-1 is the separator itself).
  let field = 1;
  for (let i = start + 3; i < raw.length && raw[i] !== 0x0d && raw[i] !== 0x0a; i++) {
    if (raw[i] !== separator) continue;
    field++;
    if (field === 9) return raw[i + 1] === 0x4d && raw[i + 2] === 0x44 && raw[i + 3] === 0x4d; // MDM
  }
  return false;
}

/**
 * The CDA document an MDM carries, as UTF-8 bytes: the first OBX whose value is ED with the
 * document in OBX-5.5 (encoding OBX-5.4 `Base64`, `Hex` or `A` for text), else the text of the
 * TX/FT OBX segments (one line per OBX and per repetition) when it holds a ClinicalDocument.
 * Undefined when the message carries none.
 */
export function findEmbeddedCda(message: Hl7Message): Buffer | undefined {
  const observations = findSegments(message, 'OBX');
  const lines: string[] = [];
  for (const obx of observations) {
    const type = getValue(obx, 2);
    if (type === 'ED') {
      const document = decodeEncapsulated(obx.fields[5], message.delimiters);
      if (document && holdsClinicalDocument(document.subarray(0, SNIFF_CHARS).toString('latin1'))) return document;
    } else if (type === 'TX' || type === 'FT') {
      lines.push(fieldText(obx.fields[5], message.delimiters));
    }
  }
  if (lines.length === 0) return undefined;
  const text = lines.join('\n');
  const match = CLINICAL_DOCUMENT_TAG.exec(text);
  if (!match) return undefined;
  // Start at the XML declaration when there is one (not `<?xml-stylesheet`), else at the root.
  const declaration = lastMatch(/<\?xml\s/g, text.slice(0, match.index));
  const close = /ClinicalDocument\s*>/g;
  let end = -1;
  for (let m = close.exec(text); m; m = close.exec(text)) end = m.index + m[0].length;
  if (end <= match.index) return undefined;
  return Buffer.from(text.slice(declaration >= 0 ? declaration : match.index, end), 'utf8');
}

function lastMatch(pattern: RegExp, text: string): number {
  let last = -1;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) last = m.index;
  return last;
}

function holdsClinicalDocument(head: string): boolean {
  return CLINICAL_DOCUMENT_TAG.test(head);
}

/** ED: OBX-5.4 says how OBX-5.5 is encoded. */
function decodeEncapsulated(field: Hl7Field | undefined, d: Hl7Delimiters): Buffer | undefined {
  const ed = field?.[0];
  if (!ed) return undefined;
  const encoding = (ed[3]?.[0] ?? '').toLowerCase();
  // The data may hold sub-component separators a sender forgot to escape: rejoin them.
  const data = (ed[4] ?? []).join(d.subcomponent);
  if (data.length === 0) return undefined;
  if (encoding === 'base64') return Buffer.from(data.replace(/\s+/g, ''), 'base64');
  if (encoding === 'hex') return /^[0-9a-fA-F\s]*$/.test(data) ? Buffer.from(data.replace(/\s+/g, ''), 'hex') : undefined;
  if (encoding === 'a') return Buffer.from(data, 'utf8');
  return undefined;
}

/**
 * The text of a TX/FT field. Repetitions are lines (as HL7 defines them for text); components
 * and sub-components are rejoined with their separators, which XML text a sender forgot to
 * escape would otherwise lose.
 */
function fieldText(field: Hl7Field | undefined, d: Hl7Delimiters): string {
  if (!field) return '';
  return field.map((rep) => rep.map((component) => component.join(d.subcomponent)).join(d.component)).join('\n');
}

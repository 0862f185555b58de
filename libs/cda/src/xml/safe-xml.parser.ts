import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidInputError } from '@hie/common';
import type { XmlElement } from './xml-element.js';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-limits.js';
import { XmlTreeBuilder } from './xml-tree.builder.js';

/** The HL7 v3 namespace: elements in it are named by their local name. */
export const HL7_V3_NAMESPACE = 'urn:hl7-org:v3';

/**
 * From this size on the tree shares equal attribute sets and leaves: it cuts the 20 MB benchmark
 * document's tree from 77 MB to 26 MB (peak 10.7× → 6.5× its size), but would slow the parse of
 * a typical 50 KB CCD by a tenth, for nothing that matters there.
 */
const COMPACT_FROM_BYTES = 1024 * 1024;

/** Why a document was refused; codes are stable, messages carry no document content. */
export class XmlRefusedError extends InvalidInputError {}

/**
 * Parses XML into an element tree, refusing what makes XML dangerous: any DOCTYPE (so no
 * external entities, no entity expansion, no billion laughs: only the five predefined
 * entities and character references exist), documents past `maxBytes`, nesting past
 * `maxDepth`, more than `maxElements` elements. Refusals throw {@link XmlRefusedError}
 * (`XML_DOCTYPE_REFUSED`, `XML_TOO_LARGE`, `XML_TOO_DEEP`, `XML_TOO_MANY_ELEMENTS`,
 * `XML_MALFORMED`) before the tree grows past the limits, so time and memory stay bounded.
 */
export function parseXml(input: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > limits.maxBytes) {
    throw new XmlRefusedError('XML_TOO_LARGE', `Document is larger than ${limits.maxBytes} bytes`, { limit: limits.maxBytes });
  }
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const parser = new SaxesParser({ xmlns: false, position: false });
  const tree = new XmlTreeBuilder(size >= COMPACT_FROM_BYTES);
  let elements = 0;
  let v3Prefix: string | undefined; // a prefix bound to the HL7 v3 namespace, if the document uses one
  let failure: XmlRefusedError | undefined;

  const refuse = (error: XmlRefusedError): never => {
    failure ??= error;
    throw error;
  };

  parser.on('doctype', () => refuse(new XmlRefusedError('XML_DOCTYPE_REFUSED', 'Documents with a DOCTYPE are refused (no DTDs, no entities)')));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (++elements > limits.maxElements) refuse(new XmlRefusedError('XML_TOO_MANY_ELEMENTS', `More than ${limits.maxElements} elements`, { limit: limits.maxElements }));
    if (tree.depth >= limits.maxDepth) refuse(new XmlRefusedError('XML_TOO_DEEP', `Elements nest deeper than ${limits.maxDepth}`, { limit: limits.maxDepth }));
    if (tree.depth === 0) {
      if (tree.started) refuse(new XmlRefusedError('XML_MALFORMED', 'More than one root element'));
      v3Prefix = prefixOf(tag.attributes);
    }
    tree.open(localName(tag.name, v3Prefix), tag.attributes);
  });
  parser.on('closetag', () => tree.close());
  parser.on('text', (value: string) => tree.text(value));
  parser.on('cdata', (value: string) => tree.cdata(value));
  parser.on('error', (error: Error) => {
    // saxes reports an undefined entity (and any other well-formedness error) here.
    refuse(new XmlRefusedError('XML_MALFORMED', `Not well-formed XML: ${sanitize(error.message)}`));
  });

  try {
    parser.write(text).close();
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof XmlRefusedError) throw error;
    throw new XmlRefusedError('XML_MALFORMED', `Not well-formed XML: ${sanitize(error instanceof Error ? error.message : String(error))}`);
  }
  if (failure) throw failure;
  const root = tree.result();
  if (!root) throw new XmlRefusedError('XML_MALFORMED', 'No root element');
  return root;
}

/** The prefix the root binds to the HL7 v3 namespace (`cda` in `xmlns:cda="urn:hl7-org:v3"`), if any. */
function prefixOf(attributes: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === HL7_V3_NAMESPACE && name.startsWith('xmlns:')) return name.slice('xmlns:'.length);
  }
  return undefined;
}

function localName(name: string, v3Prefix: string | undefined): string {
  return v3Prefix !== undefined && name.startsWith(`${v3Prefix}:`) ? name.slice(v3Prefix.length + 1) : name;
}

/**
 * saxes messages go on to quote names (an undefined entity's, an unexpected tag's): keep only
 * the leading words ("undefined entity", "unclosed tag"), so document content never reaches a log.
 */
function sanitize(message: string): string {
  return (/^[A-Za-z ]*/.exec(message)?.[0] ?? '').trim() || 'parse error';
}

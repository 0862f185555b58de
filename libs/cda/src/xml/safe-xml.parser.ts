import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidInputError } from '@hie/common';
import type { XmlElement } from './xml-element.js';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-limits.js';

/** The HL7 v3 namespace: elements in it are named by their local name. */
export const HL7_V3_NAMESPACE = 'urn:hl7-org:v3';

/** Why a document was refused; codes are stable, messages carry no document content. */
export class XmlRefusedError extends InvalidInputError {}

interface MutableElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  content: Array<XmlElement | string>;
}

/** Leaves share these (never mutated: the first child replaces them). */
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];
/** Elements without attributes share this one (never mutated). */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Attribute values and texts this short are interned: codes, OIDs and units repeat thousands of times. */
const INTERN_MAX = 64;

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
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let elements = 0;
  // Inside a section's <text> (the narrative) every text node counts; elsewhere whitespace-only
  // text is indentation and is dropped, so most elements keep one array for children and content.
  let narrativeDepth = 0;
  const strings = new Map<string, string>();
  const intern = (value: string): string => {
    if (value.length > INTERN_MAX) return value;
    const known = strings.get(value);
    if (known !== undefined) return known;
    strings.set(value, value);
    return value;
  };
  let v3Prefix: string | undefined; // a prefix bound to the HL7 v3 namespace, if the document uses one
  let failure: XmlRefusedError | undefined;

  const refuse = (error: XmlRefusedError): never => {
    failure ??= error;
    throw error;
  };

  parser.on('doctype', () => refuse(new XmlRefusedError('XML_DOCTYPE_REFUSED', 'Documents with a DOCTYPE are refused (no DTDs, no entities)')));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (++elements > limits.maxElements) refuse(new XmlRefusedError('XML_TOO_MANY_ELEMENTS', `More than ${limits.maxElements} elements`, { limit: limits.maxElements }));
    if (stack.length >= limits.maxDepth) refuse(new XmlRefusedError('XML_TOO_DEEP', `Elements nest deeper than ${limits.maxDepth}`, { limit: limits.maxDepth }));
    let attributes = tag.attributes as Record<string, string>;
    let any = false;
    for (const key in attributes) {
      attributes[key] = intern(attributes[key]!);
      any = true;
    }
    if (!any) attributes = NO_ATTRIBUTES;
    if (!root) v3Prefix = prefixOf(attributes);
    const element: MutableElement = { name: intern(localName(tag.name, v3Prefix)), attributes, children: NO_CHILDREN, content: NO_CHILDREN };
    if (element.name === 'text' || narrativeDepth > 0) narrativeDepth++;
    const parent = stack[stack.length - 1];
    if (parent) {
      addChild(parent, element);
    } else if (root) {
      refuse(new XmlRefusedError('XML_MALFORMED', 'More than one root element'));
    } else {
      root = element;
    }
    stack.push(element);
  });
  parser.on('closetag', () => {
    const closed = stack.pop();
    if (closed) trim(closed);
    if (narrativeDepth > 0) narrativeDepth--;
  });
  const onText = (value: string): void => {
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (narrativeDepth === 0 && WHITESPACE_ONLY.test(value)) return;
    addText(parent, intern(value));
  };
  parser.on('text', onText);
  parser.on('cdata', (value: string) => {
    const parent = stack[stack.length - 1];
    if (parent) addText(parent, value);
  });
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
  if (!root) throw new XmlRefusedError('XML_MALFORMED', 'No root element');
  return root as XmlElement;
}

const WHITESPACE_ONLY = /^\s*$/;

/** `content` is the very `children` array until a text node arrives, then a copy that also holds texts. */
function addChild(parent: MutableElement, element: XmlElement): void {
  if (parent.children === NO_CHILDREN) {
    parent.children = [element];
    if (parent.content === NO_CHILDREN) parent.content = parent.children;
    else parent.content.push(element);
    return;
  }
  parent.children.push(element);
  if (parent.content !== parent.children) parent.content.push(element);
}

/**
 * Arrays grown by push keep spare capacity (V8 grows them by half plus 16 slots): a closed
 * element's arrays are copied to their exact length, which roughly halves a big document's tree.
 */
function trim(element: MutableElement): void {
  if (element.children.length > 1) {
    const shared = element.content === element.children;
    element.children = element.children.slice();
    if (shared) element.content = element.children;
  }
  if (element.content !== element.children && element.content.length > 1) element.content = element.content.slice();
}

function addText(parent: MutableElement, text: string): void {
  if (parent.content === NO_CHILDREN) parent.content = [text];
  else if (parent.content === parent.children) parent.content = [...parent.children, text];
  else parent.content.push(text);
}

/** The prefix the root binds to the HL7 v3 namespace (`cda` in `xmlns:cda="urn:hl7-org:v3"`), if any. */
function prefixOf(attributes: Record<string, string>): string | undefined {
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

import { AttributeSetTrie, type TrieBudget } from './attribute-set.trie.js';
import type { XmlElement } from './xml-element.js';

interface MutableElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  content: Array<XmlElement | string>;
}

/** Leaves share these (never mutated: the first child replaces them). */
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

/** Elements without attributes share this one (no prototype, as the parser's own attribute objects). */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** Attribute values and texts this short are interned: codes, OIDs and units repeat thousands of times. */
const INTERN_MAX = 64;

/** V8 copies substrings shorter than this; longer ones are slices that keep their whole source string alive. */
const SLICE_MIN = 13;

const WHITESPACE_ONLY = /^\s*$/;

/**
 * Nodes of the attribute-set trie one document may make (about 100 bytes each, dropped after
 * the parse, so at most ~25 MB): the 20 MB benchmark document needs 23,000; a document of
 * distinct attributes (hostile, or ids everywhere) stops sharing new sets there instead of
 * paying two nodes per attribute.
 */
const MAX_TRIE_NODES = 250_000;

/**
 * Builds the read-only element tree of one document from the parser's events, small enough that
 * a 20 MB CDA converts in less than ten times its size:
 * - short values and texts are interned, and no kept string is a slice of the decoded document
 *   (one slice would keep the whole document's text alive as long as the tree, or the FHIR
 *   resources its values end up in, live);
 * - a closed element's arrays are trimmed to length; elements without children share one empty
 *   array; `content` is `children` itself until a text node arrives;
 * - `compact` (for big documents): equal attribute sets (same names and values in the same
 *   order) are one object, and equal leaves (same name and attribute set, no content) one
 *   element. A C-CDA repeats its templateIds, codes and statuses thousands of times: the 20 MB
 *   benchmark document has 250,000 elements with attributes but 18,000 distinct sets, and
 *   179,000 leaves but 18,000 distinct ones. Small documents skip it: it costs a tenth of
 *   their parse time and saves nothing that matters.
 * An element joins its parent when it closes (when it is known to be a leaf): children close in
 * document order, and a parent's text between them arrives in order too.
 * The tree must never be mutated: its parts are shared.
 */
export class XmlTreeBuilder {
  private readonly stack: MutableElement[] = [];
  /** The attribute-set node of each open element (parallel to `stack`), to share equal leaves; undefined when not shared. */
  private readonly nodes: Array<AttributeSetTrie | undefined> = [];
  private root: XmlElement | undefined;
  // Inside a section's <text> (the narrative) every text node counts; elsewhere whitespace-only
  // text is indentation and is dropped, so most elements keep one array for children and content.
  private narrativeDepth = 0;
  private readonly strings = new Map<string, string>();
  /** The trie of attribute sets (compact only). */
  private readonly sets: AttributeSetTrie | undefined;
  private readonly budget: TrieBudget = { nodes: MAX_TRIE_NODES };

  /** @param compact share equal attribute sets and equal leaves (worth it for big documents). */
  constructor(compact: boolean) {
    this.sets = compact ? new AttributeSetTrie() : undefined;
  }

  /** Elements open now. */
  get depth(): number {
    return this.stack.length;
  }

  /** Whether the root element has been opened (a second root is not well-formed). */
  get started(): boolean {
    return this.root !== undefined || this.stack.length > 0;
  }

  /** The finished tree (undefined until the root closed). */
  result(): XmlElement | undefined {
    return this.root;
  }

  /**
   * An element opens. `attributes` is the parser's fresh object (null prototype): its values are
   * replaced by interned copies and it becomes the element's attribute set, unless `compact`
   * finds an equal set already made.
   */
  open(name: string, attributes: Record<string, string>): void {
    let node = this.sets;
    let any = false;
    for (const attribute in attributes) {
      const value = this.intern(attributes[attribute]!);
      attributes[attribute] = value;
      if (node) node = node.step(attribute, this.budget)?.step(value, this.budget);
      any = true;
    }
    const own = any ? attributes : NO_ATTRIBUTES;
    const element: MutableElement = { name: this.intern(name), attributes: node ? (node.set ??= own) : own, children: NO_CHILDREN, content: NO_CHILDREN };
    if (element.name === 'text' || this.narrativeDepth > 0) this.narrativeDepth++;
    this.stack.push(element);
    this.nodes.push(node);
  }

  /** The innermost open element closes and joins its parent (or becomes the root). */
  close(): void {
    const element = this.stack.pop();
    const node = this.nodes.pop();
    if (this.narrativeDepth > 0) this.narrativeDepth--;
    if (!element) return;
    const done = element.content !== NO_CHILDREN ? trim(element) : node ? node.sharedLeaf(element) : element;
    const parent = this.stack[this.stack.length - 1];
    if (parent) addChild(parent, done);
    else this.root = done;
  }

  /** Character data; whitespace-only text outside the narrative is indentation and dropped. */
  text(value: string): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent) return;
    if (this.narrativeDepth === 0 && WHITESPACE_ONLY.test(value)) return;
    addText(parent, this.intern(value));
  }

  /** A CDATA section's text. */
  cdata(value: string): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) addText(parent, ownCopy(value));
  }

  private intern(value: string): string {
    if (value.length > INTERN_MAX) return ownCopy(value);
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    const copy = ownCopy(value);
    this.strings.set(copy, copy);
    return copy;
  }
}

/**
 * A string that does not keep its source alive. The parser's strings are slices (or
 * concatenations of slices) of the whole decoded document; prefixing a character and slicing it
 * off again makes V8 flatten the pair into a new string, of which the result is a slice.
 */
function ownCopy(value: string): string {
  return value.length < SLICE_MIN ? value : ` ${value}`.slice(1);
}

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

function addText(parent: MutableElement, text: string): void {
  if (parent.content === NO_CHILDREN) parent.content = [text];
  else if (parent.content === parent.children) parent.content = [...parent.children, text];
  else parent.content.push(text);
}

/**
 * Arrays grown by push keep spare capacity (V8 grows them by half plus 16 slots): a closed
 * element's arrays are copied to their exact length, which roughly halves a big document's tree.
 */
function trim(element: MutableElement): XmlElement {
  if (element.children.length > 1) {
    const shared = element.content === element.children;
    element.children = element.children.slice();
    if (shared) element.content = element.children;
  }
  if (element.content !== element.children && element.content.length > 1) element.content = element.content.slice();
  return element;
}

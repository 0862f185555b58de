import type { XmlElement } from './xml-element.js';

/** How many more nodes one document's trie may make. */
export interface TrieBudget {
  nodes: number;
}

/**
 * A node of the trie of one document's attribute sets, stepped through by each attribute's name
 * then value (in document order): the node reached holds the set those attributes make, shared
 * by every element with the same ones, and the one element for each leaf (by name) with that
 * set. Most nodes have a single next step and a single leaf name, kept inline so that a set seen
 * before costs a comparison per step (interned strings: often the very same string); a map is
 * made only for the rest. The trie lives as long as one parse.
 */
export class AttributeSetTrie {
  /** The attribute set these steps make, once an element had it. */
  set: Readonly<Record<string, string>> | undefined = undefined;
  private key: string | undefined = undefined;
  private next: AttributeSetTrie | undefined = undefined;
  private others: Map<string, AttributeSetTrie> | undefined = undefined;
  private leafName: string | undefined = undefined;
  private leaf: XmlElement | undefined = undefined;
  private leaves: Map<string, XmlElement> | undefined = undefined;

  /**
   * The node after `key` (an attribute's name or value); undefined when it is new and the
   * budget of new nodes is spent (the trie's memory stays bounded whatever the document).
   */
  step(key: string, budget: TrieBudget): AttributeSetTrie | undefined {
    if (this.key === key) return this.next;
    const found = this.others?.get(key);
    if (found || budget.nodes <= 0) return found;
    budget.nodes--;
    const made = new AttributeSetTrie();
    if (this.key === undefined) {
      this.key = key;
      this.next = made;
    } else {
      (this.others ??= new Map()).set(key, made);
    }
    return made;
  }

  /** The first leaf element with this node's set and `element`'s name (`element` itself if none came before). */
  sharedLeaf(element: XmlElement): XmlElement {
    if (this.leafName === element.name) return this.leaf!;
    if (this.leafName === undefined) {
      this.leafName = element.name;
      return (this.leaf = element);
    }
    const leaves = (this.leaves ??= new Map());
    const known = leaves.get(element.name);
    if (known) return known;
    leaves.set(element.name, element);
    return element;
  }
}

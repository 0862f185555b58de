import { describe, expect, it } from 'vitest';
import { AttributeSetTrie } from './attribute-set.trie.js';
import type { XmlElement } from './xml-element.js';

const leaf = (name: string): XmlElement => ({ name, attributes: {}, children: [], content: [] });

describe('AttributeSetTrie', () => {
  it('finds the node made before for the same steps, a new one for others', () => {
    const root = new AttributeSetTrie();
    const budget = { nodes: 100 };
    const a = root.step('code', budget)!.step('A', budget)!;
    expect(root.step('code', budget)!.step('A', budget)).toBe(a);
    expect(root.step('code', budget)!.step('B', budget)).not.toBe(a);
    expect(root.step('root', budget)!.step('A', budget)).not.toBe(a);
    expect(budget.nodes).toBe(100 - 5);
  });

  it('makes no node past its budget, and still finds the ones it made', () => {
    const root = new AttributeSetTrie();
    const budget = { nodes: 2 };
    const a = root.step('code', budget)!.step('A', budget);
    expect(a).toBeDefined();
    expect(root.step('code', budget)!.step('B', budget)).toBeUndefined();
    expect(root.step('root', budget)).toBeUndefined();
    expect(root.step('code', budget)!.step('A', budget)).toBe(a);
    expect(budget.nodes).toBe(0);
  });

  it('shares one leaf per element name', () => {
    const node = new AttributeSetTrie();
    const first = leaf('templateId');
    expect(node.sharedLeaf(first)).toBe(first);
    expect(node.sharedLeaf(leaf('templateId'))).toBe(first);
    const other = leaf('id');
    expect(node.sharedLeaf(other)).toBe(other);
    expect(node.sharedLeaf(leaf('id'))).toBe(other);
  });
});

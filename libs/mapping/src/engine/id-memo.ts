import { ID_PART_SEPARATOR } from './id-factory.js';

interface Node {
  id: string | undefined;
  next: Map<string, Node> | undefined;
}

/**
 * A bounded memo in front of the keyed hash, keyed part by part (a trie of maps) so a lookup
 * hashes each part string once and never builds the joined input: parts that are ids of other
 * resources are the memo's own strings, whose hashes V8 keeps. Ids recur across messages (the
 * sending facility, its practitioners, a patient's next result). When full it starts afresh
 * (ids are deterministic, so that only costs recomputing). In memory only, never logged.
 */
export class IdMemo {
  private root = new Map<string, Node>();
  private size = 0;

  constructor(
    /** deterministicId over the parts joined by ID_PART_SEPARATOR. */
    private readonly make: (joined: string) => string,
    private readonly limit: number,
  ) {}

  id(parts: readonly string[]): string {
    if (this.size >= this.limit) {
      this.root = new Map();
      this.size = 0;
    }
    let level = this.root;
    let node: Node | undefined;
    for (let i = 0; ; i++) {
      const key = parts[i]!;
      node = level.get(key);
      if (node === undefined) {
        node = { id: undefined, next: undefined };
        level.set(key, node);
      }
      if (i === parts.length - 1) break;
      level = node.next ??= new Map();
    }
    let id = node.id;
    if (id === undefined) {
      id = this.make(parts.join(ID_PART_SEPARATOR));
      node.id = id;
      this.size++;
    }
    return id;
  }
}

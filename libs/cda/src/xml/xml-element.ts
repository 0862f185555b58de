/**
 * An XML element as the CDA reader sees it: names are local for the HL7 v3 namespace (the
 * CDA's own) and keep their prefix for every other (`sdtc:raceCode`, `xsi:type`).
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements, in document order. */
  readonly children: XmlElement[];
  /** Elements and text in document order (narrative blocks need the mix). */
  readonly content: Array<XmlElement | string>;
}

/** The first child element with this name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element with this name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  if (!element) return [];
  return element.children.filter((c) => c.name === name);
}

/** Follows a path of child names (first match at each step). */
export function descend(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = element;
  for (const name of names) {
    current = child(current, name);
    if (!current) return undefined;
  }
  return current;
}

/** An attribute's value, or undefined when absent. */
export function attr(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attributes[name];
}

/** All text inside the element (descendants included), whitespace runs collapsed, trimmed. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  const parts: string[] = [];
  collectText(element, parts);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function collectText(element: XmlElement, parts: string[]): void {
  for (const node of element.content) {
    if (typeof node === 'string') parts.push(node);
    else collectText(node, parts);
  }
}

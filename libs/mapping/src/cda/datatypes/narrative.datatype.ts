import type { XmlElement } from '@hie/cda';
import type { Narrative } from '../fhir-datatypes.model.js';

/** CDA narrative block element → the XHTML element FHIR narrative allows (txt-1). */
const ELEMENTS: Readonly<Record<string, string>> = {
  paragraph: 'p',
  content: 'span',
  br: 'br',
  item: 'li',
  table: 'table',
  thead: 'thead',
  tbody: 'tbody',
  tfoot: 'tfoot',
  tr: 'tr',
  th: 'th',
  td: 'td',
  col: 'col',
  colgroup: 'colgroup',
  sub: 'sub',
  sup: 'sup',
  footnote: 'span',
  footnoteRef: 'span',
};

/** CDA attributes kept (as the XHTML attribute named) per element; anything else is dropped. */
const TABLE_ATTRS: Readonly<Record<string, string>> = {
  summary: 'summary', width: 'width', border: 'border', frame: 'frame', rules: 'rules',
  cellspacing: 'cellspacing', cellpadding: 'cellpadding',
};
const CELL_ATTRS: Readonly<Record<string, string>> = {
  colspan: 'colspan', rowspan: 'rowspan', abbr: 'abbr', axis: 'axis', headers: 'headers', scope: 'scope',
  align: 'align', char: 'char', charoff: 'charoff', valign: 'valign',
};
const COL_ATTRS: Readonly<Record<string, string>> = { span: 'span', width: 'width', align: 'align', char: 'char', charoff: 'charoff', valign: 'valign' };
const ROW_ATTRS: Readonly<Record<string, string>> = { align: 'align', char: 'char', charoff: 'charoff', valign: 'valign' };
const ATTRS_BY_ELEMENT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  table: TABLE_ATTRS,
  td: CELL_ATTRS,
  th: CELL_ATTRS,
  col: COL_ATTRS,
  colgroup: COL_ATTRS,
  tr: ROW_ATTRS,
  thead: ROW_ATTRS,
  tbody: ROW_ATTRS,
  tfoot: ROW_ATTRS,
};
const XML_ID = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const SAFE_HREF = /^(https?:|mailto:|#)/i;
/** Ends a run of three or more spaces/newlines: keep the HTML short without changing its rendering. */
const WHITESPACE_RUN = /\s{2,}/g;
const WHITESPACE_TEST = /\s\s/;

const SPECIAL = /[&<>]/;

function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function hasText(element: XmlElement): boolean {
  for (const node of element.content) {
    if (typeof node === 'string') {
      if (node.trim()) return true;
    } else if (hasText(node)) return true;
  }
  return false;
}

/**
 * A section's CDA narrative (`<text>`) as FHIR Narrative (status `generated`): narrative block
 * elements become their XHTML counterparts (paragraph → p, content → span, list → ul/ol, item →
 * li, tables as tables, linkHtml → a with a safe href), `ID` → id, `styleCode` → class; every
 * other attribute and any unknown element (kept as its content) is dropped, text is escaped.
 * Undefined when the narrative has no text.
 */
export function narrativeOf(text: XmlElement | undefined): Narrative | undefined {
  if (!text || !hasText(text)) return undefined;
  const out: string[] = ['<div xmlns="http://www.w3.org/1999/xhtml">'];
  renderContent(text, out);
  out.push('</div>');
  return { status: 'generated', div: out.join('') };
}

function renderContent(element: XmlElement, out: string[]): void {
  for (const node of element.content) {
    if (typeof node === 'string') out.push(escapeText(WHITESPACE_TEST.test(node) ? node.replace(WHITESPACE_RUN, ' ') : node));
    else renderElement(node, out);
  }
}

function commonAttrs(element: XmlElement): string {
  let s = '';
  const id = element.attributes['ID'];
  if (id !== undefined && XML_ID.test(id)) s += ` id="${escapeAttr(id)}"`;
  const style = element.attributes['styleCode'];
  if (style !== undefined && style.trim()) s += ` class="${escapeAttr(style.trim())}"`;
  return s;
}

function renderElement(element: XmlElement, out: string[]): void {
  const name = element.name;
  // Text marked deleted in a revision is not part of the attested narrative.
  if (element.attributes['revised'] === 'delete') return;
  if (name === 'list') {
    const caption = element.children.find((c) => c.name === 'caption');
    if (caption && hasText(caption)) {
      out.push('<p><b>');
      renderContent(caption, out);
      out.push('</b></p>');
    }
    const tag = element.attributes['listType'] === 'ordered' ? 'ol' : 'ul';
    const items = element.children.filter((c) => c.name === 'item');
    if (!items.length) return;
    out.push(`<${tag}${commonAttrs(element)}>`);
    for (const item of items) renderElement(item, out);
    out.push(`</${tag}>`);
    return;
  }
  if (name === 'caption') {
    // A table's caption is XHTML's; elsewhere (paragraph, item) it is a bold lead-in.
    out.push('<b>');
    renderContent(element, out);
    out.push('</b> ');
    return;
  }
  if (name === 'table') {
    out.push(`<table${commonAttrs(element)}${mappedAttrs(element, TABLE_ATTRS)}>`);
    const caption = element.children.find((c) => c.name === 'caption');
    if (caption) {
      out.push('<caption>');
      renderContent(caption, out);
      out.push('</caption>');
    }
    for (const c of element.children) if (c.name !== 'caption') renderElement(c, out);
    out.push('</table>');
    return;
  }
  if (name === 'linkHtml') {
    const href = element.attributes['href']?.trim();
    const safe = href !== undefined && SAFE_HREF.test(href) ? ` href="${escapeAttr(href)}"` : '';
    out.push(`<a${commonAttrs(element)}${safe}>`);
    renderContent(element, out);
    out.push('</a>');
    return;
  }
  if (name === 'renderMultiMedia') return;
  const tag = ELEMENTS[name];
  if (tag === undefined) {
    // Not narrative markup (a stray element): keep its text, not the element.
    renderContent(element, out);
    return;
  }
  const attrs = commonAttrs(element) + mappedAttrs(element, ATTRS_BY_ELEMENT[tag]);
  if (tag === 'br') {
    out.push('<br/>');
    return;
  }
  if (tag === 'col') {
    out.push(`<col${attrs}/>`);
    return;
  }
  out.push(`<${tag}${attrs}>`);
  renderContent(element, out);
  out.push(`</${tag}>`);
}

function mappedAttrs(element: XmlElement, allowed: Readonly<Record<string, string>> | undefined): string {
  if (!allowed) return '';
  let s = '';
  const attributes = element.attributes;
  for (const k in attributes) {
    const to = allowed[k];
    const v = to !== undefined ? attributes[k]!.trim() : '';
    if (v) s += ` ${to}="${escapeAttr(v)}"`;
  }
  return s;
}

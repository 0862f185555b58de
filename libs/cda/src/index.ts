/**
 * CDA R2 / C-CDA documents: a safe XML reader (no DTDs, no entities, bounded size, depth and
 * element count) into a small element tree, and helpers to walk it. Pure: no I/O, no Nest.
 */
export { parseXml, XmlRefusedError, HL7_V3_NAMESPACE } from './xml/safe-xml.parser.js';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './xml/xml-limits.js';
export { attr, child, childrenNamed, descend, textOf, type XmlElement } from './xml/xml-element.js';

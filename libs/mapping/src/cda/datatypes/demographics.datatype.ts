import { attr, child, childrenNamed, textOf, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import type { Address, ContactPoint, HumanName } from '../fhir-datatypes.model.js';
import { periodOf } from './time.datatype.js';

function texts(element: XmlElement, name: string): string[] {
  const out: string[] = [];
  for (const c of childrenNamed(element, name)) {
    if (attr(c, 'nullFlavor') !== undefined) continue;
    const t = textOf(c);
    if (t) out.push(t);
  }
  return out;
}

/** The first of a space-separated list of CDA use codes that the table maps. */
function mappedUse(codes: string | undefined, table: string, ctx: CdaContext | undefined): string | undefined {
  if (codes === undefined || !ctx) return undefined;
  for (const c of codes.trim().split(/\s+/)) {
    const m = ctx.tables.valueMap(table, c);
    if (m !== undefined) return m;
  }
  return undefined;
}

/** PN/EN names → HumanName (family, given, prefix, suffix, use via `name-use`, validTime); a name of only text → `text`. */
export function humanNames(pns: readonly XmlElement[], ctx?: CdaContext): HumanName[] {
  const out: HumanName[] = [];
  for (const pn of pns) {
    if (attr(pn, 'nullFlavor') !== undefined) continue;
    const name: HumanName = {};
    const use = mappedUse(attr(pn, 'use'), 'name-use', ctx);
    if (use !== undefined) name.use = use;
    const family = texts(pn, 'family');
    const given = texts(pn, 'given');
    const prefix = texts(pn, 'prefix');
    const suffix = texts(pn, 'suffix');
    if (family.length) name.family = family.join(' ');
    if (given.length) name.given = given;
    if (prefix.length) name.prefix = prefix;
    if (suffix.length) name.suffix = suffix;
    if (!family.length && !given.length && !prefix.length && !suffix.length) {
      const text = textOf(pn);
      if (!text) continue;
      name.text = text;
    }
    const period = periodOf(child(pn, 'validTime'));
    if (period) name.period = period;
    out.push(name);
  }
  return out;
}

/** AD → Address (lines, city, county → district, state, postalCode, country; use via `address-use`). */
export function addresses(ads: readonly XmlElement[], ctx?: CdaContext): Address[] {
  const out: Address[] = [];
  for (const ad of ads) {
    if (attr(ad, 'nullFlavor') !== undefined) continue;
    const a: Address = {};
    const use = mappedUse(attr(ad, 'use'), 'address-use', ctx);
    if (use !== undefined) a.use = use;
    const lines = [...texts(ad, 'streetAddressLine'), ...texts(ad, 'houseNumber'), ...texts(ad, 'streetName')];
    if (lines.length) a.line = lines;
    const set = (key: 'city' | 'district' | 'state' | 'postalCode' | 'country', name: string): void => {
      const v = texts(ad, name);
      if (v.length) a[key] = v.join(' ');
    };
    set('city', 'city');
    set('district', 'county');
    set('state', 'state');
    set('postalCode', 'postalCode');
    set('country', 'country');
    if (Object.keys(a).every((k) => k === 'use')) {
      // Unstructured address: its text, if any.
      const text = textOf(ad);
      if (!text) continue;
      a.text = text;
    }
    const period = periodOf(child(ad, 'useablePeriod'));
    if (period) a.period = period;
    out.push(a);
  }
  return out;
}

/**
 * TEL → ContactPoint: the URL scheme picks the system (`telecom-system`: tel → phone, mailto →
 * email...), the value loses its scheme; use via `telecom-use`.
 */
export function telecoms(tels: readonly XmlElement[], ctx?: CdaContext): ContactPoint[] {
  const out: ContactPoint[] = [];
  for (const tel of tels) {
    const raw = attr(tel, 'value')?.trim();
    if (!raw || attr(tel, 'nullFlavor') !== undefined) continue;
    const cp: ContactPoint = {};
    const colon = raw.indexOf(':');
    const scheme = colon > 0 ? raw.slice(0, colon).toLowerCase() : undefined;
    const system = scheme !== undefined && ctx ? ctx.tables.valueMap('telecom-system', scheme) : undefined;
    let value = raw;
    if (system !== undefined && system !== 'url') value = raw.slice(colon + 1).replace(/^\/\//, '').trim();
    if (!value) continue;
    cp.system = system ?? 'other';
    cp.value = value;
    const use = mappedUse(attr(tel, 'use'), 'telecom-use', ctx);
    if (use !== undefined) cp.use = use;
    const period = periodOf(child(tel, 'useablePeriod'));
    if (period) cp.period = period;
    out.push(cp);
  }
  return out;
}

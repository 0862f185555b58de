import type { FhirResource } from '@hie/fhir';
import type { MappedSource } from '../mapping-set.model.js';
import type { TransformContext, TransformRegistry } from '../transforms/index.js';
import { MappingError } from '../mapping.errors.js';
import { createCodeTable, type CodeTable, type CodeTableEntry } from './code-table.js';
import type { CompiledId, CompiledMessageMap, CompiledObject, CompiledSegmentMap, EvalCtx, RequiredRule } from './compiled.model.js';
import type { GroupDef } from './group-instance.js';
import { isRecord, type CompileEnv } from './compile-env.js';
import { compileId } from './id.compiler.js';
import { compileObject } from './value.compiler.js';

type Json = unknown;
const SEGMENT = /^[A-Z][A-Z0-9]{2}$/;
const RESOURCE = /^[A-Z][A-Za-z]+$/;
const NAME = /^[a-z0-9][a-z0-9.-]*$/;

function fail(file: string, key: string, reason: string): never {
  throw new MappingError(file, key, reason);
}

function only(file: string, doc: Record<string, Json>, allowed: readonly string[]): void {
  for (const k of Object.keys(doc)) if (!allowed.includes(k)) fail(file, k, 'unknown key');
}

function str(file: string, doc: Record<string, Json>, key: string, re?: RegExp): string {
  const v = doc[key];
  if (typeof v !== 'string' || v === '' || (re && !re.test(v))) fail(file, key, v === undefined ? 'is required' : 'has a bad value');
  return v;
}

function strList(file: string, doc: Record<string, Json>, key: string, re: RegExp, optional = false): string[] {
  const v = doc[key];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v) || (!optional && v.length === 0)) fail(file, key, 'must be a list');
  return v.map((x, i) => {
    if (typeof x !== 'string' || !re.test(x)) fail(file, `${key}[${i}]`, 'has a bad value');
    return x;
  });
}

/** `codes/*.yaml` → a code table. */
export function compileCodeTable(file: string, doc: Json): CodeTable {
  if (!isRecord(doc)) fail(file, '', 'must be a mapping');
  only(file, doc, ['table', 'description', 'source', 'target', 'map', 'default', 'unmapped']);
  const name = str(file, doc, 'table', NAME);
  const source = doc['source'] === undefined ? undefined : str(file, doc, 'source', /^\S+$/);
  const target = doc['target'] === undefined ? undefined : str(file, doc, 'target', /^\S+$/);
  // A table without `map` only stamps its source system on the sent code (as: CodeableConcept).
  const map = doc['map'] ?? {};
  if (!isRecord(map)) fail(file, 'map', 'must be a mapping of v2 code → FHIR code');
  const entries = new Map<string, CodeTableEntry>();
  for (const [code, v] of Object.entries(map)) entries.set(code, entry(file, `map.${code}`, v));
  const fallback = doc['default'] === undefined ? undefined : entry(file, 'default', doc['default']);
  const unmapped = doc['unmapped'] ?? 'warn';
  if (unmapped !== 'warn' && unmapped !== 'ignore') fail(file, 'unmapped', 'must be warn or ignore');
  return createCodeTable(name, source, target, entries, fallback, unmapped === 'ignore');
}

function entry(file: string, key: string, v: Json): CodeTableEntry {
  if (typeof v === 'string' && v !== '') return { code: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { code: String(v) };
  if (isRecord(v)) {
    only(file, v, ['code', 'display']);
    const code = v['code'];
    const display = v['display'];
    if (typeof code !== 'string' || code === '') fail(file, `${key}.code`, 'is required');
    if (display !== undefined && typeof display !== 'string') fail(file, `${key}.display`, 'must be a string');
    return display === undefined ? { code } : { code, display };
  }
  return fail(file, key, 'must be a code or { code, display }');
}

/** A compiled datatype map: yields an element, or a Reference to a resource it made. */
export interface CompiledDatatypeMap {
  readonly name: string;
  /** The element (or a Reference), or undefined: never an empty value. */
  readonly evaluate: (ctx: EvalCtx) => unknown;
  readonly sources: readonly MappedSource[];
}

/** `datatypes/*.yaml` → a datatype map. */
export function compileDatatypeMap(env: CompileEnv, name: string, doc: Json): CompiledDatatypeMap {
  const file = env.file;
  if (!isRecord(doc)) fail(file, '', 'must be a mapping');
  only(file, doc, ['datatype', 'description', 'type', 'resource', 'id', 'fields', 'requires']);
  str(file, doc, 'datatype', /^[A-Z][A-Z0-9]{1,3}$/);
  if (('type' in doc) === ('resource' in doc)) fail(file, 'type', 'give exactly one of type (a FHIR datatype) or resource');
  const requires = doc['requires'] === undefined ? [] : strList(file, doc, 'requires', /^[a-z][A-Za-z0-9]*$/);
  for (const r of requires) {
    const f = doc['fields'];
    if (!isRecord(f) || !Object.keys(f).some((k) => k.replace(/\[\]$|\[x\]$/, '') === r)) fail(file, 'requires', `${r} is not a key of fields`);
  }
  const fields = compileObject(env, 'fields', doc['fields'], requires);
  if ('type' in doc) {
    str(file, doc, 'type', RESOURCE);
    if ('id' in doc) fail(file, 'id', 'only resource datatype maps have an id');
    return { name, sources: fields.sources, evaluate: (ctx) => fields(ctx) };
  }
  const type = str(file, doc, 'resource', RESOURCE);
  if (!('id' in doc)) fail(file, 'id', 'is required for a resource datatype map');
  const id = compileId(env, 'id', doc['id']);
  return { name, sources: fields.sources, evaluate: resourceMaker(name, type, id, fields) };
}

function resourceMaker(name: string, type: string, id: CompiledId, fields: CompiledObject): (ctx: EvalCtx) => unknown {
  return (ctx) => {
    const value = ctx.value;
    // The same value seen again (a practitioner in PV1-7 and PV1-17, an assigning authority on
    // every identifier) makes the same resource: skip building and merging it again. When the
    // id reads only the value (and MSH), an equal value is found before computing the id.
    if (value && id.valueOnly) {
      const seen = ctx.run.derivedOfValue(name, value);
      if (seen !== undefined) return { reference: seen };
    }
    const rid = value ? id(ctx, type) : undefined;
    if (rid && value) {
      if (id.valueOnly) ctx.run.recordDerivedValue(name, value, `${type}/${rid}`);
      else if (ctx.run.seenDerived(name, rid, value)) return { reference: `${type}/${rid}` };
    }
    // Built in place after resourceType and id (a field of either name overrides, as a spread would).
    const resource = fields(ctx, rid ? { resourceType: type, id: rid } : undefined);
    if (!resource || !rid) {
      ctx.run.warn(`not enough to identify a ${type}`, ctx.base);
      return undefined;
    }
    ctx.run.addResource(resource as FhirResource & { id: string });
    return { reference: `${type}/${rid}` };
  };
}

/** `segments/*.yaml` → a segment map. */
export function compileSegmentMap(env: CompileEnv, name: string, doc: Json): CompiledSegmentMap {
  const file = env.file;
  if (!isRecord(doc)) fail(file, '', 'must be a mapping');
  only(file, doc, ['segment', 'description', 'resource', 'extends', 'patch', 'alias', 'id', 'fields', 'set', 'requires']);
  const segment = str(file, doc, 'segment', SEGMENT);
  const kinds = (['resource', 'extends', 'patch'] as const).filter((k) => k in doc);
  if (kinds.length !== 1) fail(file, 'resource', 'give exactly one of resource, extends, patch');
  const kind = kinds[0]!;
  const type = str(file, doc, kind, RESOURCE);
  const alias = doc['alias'] === undefined ? type : str(file, doc, 'alias', RESOURCE);
  if (kind === 'extends' && 'alias' in doc) fail(file, 'alias', 'extends maps add to an existing resource; no alias');
  if (kind === 'extends' && 'id' in doc) fail(file, 'id', 'extends maps have no id');
  const bodyKey = kind === 'patch' ? 'set' : 'fields';
  const otherKey = kind === 'patch' ? 'fields' : 'set';
  if (otherKey in doc) fail(file, otherKey, `use ${bodyKey} in a ${kind} map`);
  // A resource's own constants (Coverage.status) are kept even when nothing else is sent.
  const fields = compileObject(env, bodyKey, doc[bodyKey], [], true);
  const id = kind === 'extends' ? undefined : 'id' in doc ? compileId(env, 'id', doc['id']) : undefined;
  if (kind === 'patch' && !id) fail(file, 'id', 'a patch map needs the id of the resource it patches');
  const requires = doc['requires'] === undefined ? [] : strList(file, doc, 'requires', /^[a-z][A-Za-z0-9]*$/);
  if (requires.length && kind !== 'resource') fail(file, 'requires', 'only resource maps can require keys');
  for (const r of requires) {
    const f = doc[bodyKey];
    if (!isRecord(f) || !Object.keys(f).some((k) => k.replace(/\[\]$|\[x\]$/, '') === r)) fail(file, 'requires', `${r} is not a key of fields`);
  }
  const inPlace = kind === 'resource' && !Object.keys(doc[bodyKey] as Record<string, Json>).some((k) => /^(id|resourceType)(\[\]|\[x\])?$/.test(k));
  return { name, segment, kind, type, alias, id, fields, requires, inPlace };
}

/** `messages/*.yaml` → a message map; segment maps are resolved by name. */
export function compileMessageMap(
  file: string,
  name: string,
  doc: Json,
  segmentMaps: ReadonlyMap<string, CompiledSegmentMap>,
  transforms: TransformRegistry,
): CompiledMessageMap {
  if (!isRecord(doc)) fail(file, '', 'must be a mapping');
  only(file, doc, ['message', 'description', 'events', 'structures', 'required', 'groups', 'segments']);
  str(file, doc, 'message', /^[A-Z]{3}$/);
  const events = strList(file, doc, 'events', /^[A-Z0-9]{3}\^[A-Z0-9]{3}$/);
  const structures = strList(file, doc, 'structures', /^[A-Z0-9]{3}_[A-Z0-9]{3}$/, true);
  const required: RequiredRule[] = [];
  const rawReq = doc['required'] ?? [];
  if (!Array.isArray(rawReq)) fail(file, 'required', 'must be a list');
  rawReq.forEach((r, i) => {
    const k = `required[${i}]`;
    if (!isRecord(r)) fail(file, k, 'must be { segment, field? }');
    for (const rk of Object.keys(r)) if (!['segment', 'field', 'valid'].includes(rk)) fail(file, `${k}.${rk}`, 'unknown key');
    const segment = r['segment'];
    const field = r['field'];
    if (typeof segment !== 'string' || !SEGMENT.test(segment)) fail(file, `${k}.segment`, 'must be a segment id');
    if (field !== undefined && (typeof field !== 'number' || !Number.isInteger(field) || field < 1)) fail(file, `${k}.field`, 'must be a field number');
    const validName = r['valid'];
    let valid: RequiredRule['valid'];
    if (validName !== undefined) {
      const t = typeof validName === 'string' ? transforms.value[validName] : undefined;
      if (!t || field === undefined) fail(file, `${k}.valid`, 'must name a one-input transform, on a field');
      valid = (value) => {
        let ok = true;
        const quiet: TransformContext = { timezone: 'Z', lookup: () => undefined, datatype: () => undefined, warn: () => (ok = false) };
        return t(value, quiet) !== undefined && ok;
      };
    }
    required.push({ segment, field, valid });
  });
  const groups = compileGroups(file, doc['groups'] ?? []);
  const rawSegs = doc['segments'];
  if (!isRecord(rawSegs)) fail(file, 'segments', 'must be a mapping of segment → [segment maps]');
  const segments = new Map<string, CompiledSegmentMap[]>();
  for (const [seg, list] of Object.entries(rawSegs)) {
    if (!SEGMENT.test(seg)) fail(file, `segments.${seg}`, 'not a segment id');
    if (!Array.isArray(list) || list.length === 0) fail(file, `segments.${seg}`, 'must be a list of segment map names');
    segments.set(
      seg,
      list.map((m, i) => {
        const map = typeof m === 'string' ? segmentMaps.get(m) : undefined;
        if (!map) fail(file, `segments.${seg}[${i}]`, `unknown segment map ${String(m)}`);
        if (map.segment !== seg) fail(file, `segments.${seg}[${i}]`, `${map.name} maps ${map.segment}, not ${seg}`);
        return map;
      }),
    );
  }
  return { name, events, structures, required, groups, segments };
}

function compileGroups(file: string, raw: Json): GroupDef[] {
  if (!Array.isArray(raw)) fail(file, 'groups', 'must be a list');
  const defs: GroupDef[] = [];
  const names = new Set<string>();
  raw.forEach((g, i) => {
    const k = `groups[${i}]`;
    if (!isRecord(g)) fail(file, k, 'must be { name, parent?, leaders, members, repeats? }');
    for (const gk of Object.keys(g)) if (!['name', 'parent', 'leaders', 'members', 'repeats'].includes(gk)) fail(file, `${k}.${gk}`, 'unknown key');
    const name = g['name'];
    if (typeof name !== 'string' || !/^[A-Z_]+$/.test(name) || names.has(name)) fail(file, `${k}.name`, 'missing, bad or repeated');
    const parent = g['parent'];
    if (parent !== undefined && (typeof parent !== 'string' || !names.has(parent))) fail(file, `${k}.parent`, 'must name a group declared before');
    const list = (key: string, optional: boolean): string[] => {
      const v = g[key];
      if (v === undefined && optional) return [];
      if (!Array.isArray(v) || v.length === 0) fail(file, `${k}.${key}`, 'must be a non-empty list of segment ids');
      return v.map((x, j) => {
        if (typeof x !== 'string' || !SEGMENT.test(x)) fail(file, `${k}.${key}[${j}]`, 'not a segment id');
        return x;
      });
    };
    const members = list('members', false);
    const leaders = list('leaders', false);
    const repeats = list('repeats', true);
    for (const l of [...leaders, ...repeats]) if (!members.includes(l)) fail(file, `${k}`, `${l} is not a member`);
    names.add(name);
    defs.push({ name, parent, leaders: new Set(leaders), members, repeats: new Set(repeats) });
  });
  return defs;
}

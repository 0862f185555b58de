import { parseStrictYaml } from '../strict-yaml.reader.js';
import type { Hl7Header, Hl7Message } from '@hie/hl7v2';
import { ConversionError, MappingError } from '../mapping.errors.js';
import type { ConversionResult, ConvertOptions, MappedSource, MappingFile, MappingSet } from '../mapping-set.model.js';
import { builtinTransforms, type TransformRegistry } from '../transforms/index.js';
import type { CodeTable } from './code-table.js';
import type { CompiledMessageMap, CompiledSegmentMap, EvalCtx } from './compiled.model.js';
import {
  compileCodeTable,
  compileDatatypeMap,
  compileMessageMap,
  compileSegmentMap,
  type CompiledDatatypeMap,
} from './map.compiler.js';
import { createKeyedIdFactory } from './id-factory.js';
import { IdMemo } from './id-memo.js';
import { convertMessage } from './message.converter.js';
import type { CompileEnv } from './compile-env.js';

const KINDS = ['messages', 'segments', 'datatypes', 'codes'] as const;
type Kind = (typeof KINDS)[number];
const PATH = /^hl7v2\/(messages|segments|datatypes|codes)\/([a-z0-9][a-z0-9.-]*)\.ya?ml$/;

interface Parsed {
  readonly file: string;
  readonly name: string;
  readonly doc: unknown;
}

function parseFile(f: MappingFile): Parsed & { kind: Kind } {
  const m = PATH.exec(f.path.replace(/\\/g, '/'));
  if (!m) throw new MappingError(f.path, '', 'not a mapping file path (hl7v2/<messages|segments|datatypes|codes>/<name>.yaml)');
  const doc = parseStrictYaml(f.path, f.text);
  return { file: f.path, name: m[2]!, doc, kind: m[1] as Kind };
}

/**
 * Parses, schema-checks and compiles every map once (into closures: no YAML is interpreted
 * per message). Throws MappingError (code `MAPPING_INVALID`, details `{ file, key }`).
 */
export function loadMappingSet(files: readonly MappingFile[], transforms: TransformRegistry = builtinTransforms): MappingSet {
  const byKind: Record<Kind, Parsed[]> = { messages: [], segments: [], datatypes: [], codes: [] };
  const names = new Map<string, string>();
  for (const f of files) {
    if (!/\.ya?ml$/.test(f.path)) continue;
    const p = parseFile(f);
    const key = `${p.kind}/${p.name}`;
    if (names.has(key)) throw new MappingError(p.file, '', `duplicate map name ${p.name} (also ${names.get(key)})`);
    names.set(key, p.file);
    byKind[p.kind].push(p);
  }

  const tables = new Map<string, CodeTable>();
  for (const p of byKind.codes) {
    const t = compileCodeTable(p.file, p.doc);
    if (t.name !== p.name) throw new MappingError(p.file, 'table', `must equal the file name (${p.name})`);
    tables.set(t.name, t);
  }

  // Datatype maps refer to each other; compile on demand, refusing cycles.
  const dtSource = new Map(byKind.datatypes.map((p) => [p.name, p]));
  const datatypes = new Map<string, CompiledDatatypeMap>();
  const compiling = new Set<string>();
  const envFor = (file: string): CompileEnv => ({
    file,
    transforms,
    tables,
    hasDatatype: (name) => dtSource.has(name),
    datatypeSources: (name) => datatypeMap(name, file).sources,
    datatypeEvaluator: (name) => datatypeMap(name, file).evaluate,
  });
  const datatypeMap = (name: string, from: string): CompiledDatatypeMap => {
    const done = datatypes.get(name);
    if (done) return done;
    const p = dtSource.get(name);
    if (!p) throw new MappingError(from, 'type', `unknown datatype map ${name}`);
    if (compiling.has(name)) throw new MappingError(p.file, 'fields', `datatype map ${name} refers to itself`);
    compiling.add(name);
    const c = compileDatatypeMap(envFor(p.file), name, p.doc);
    compiling.delete(name);
    datatypes.set(name, c);
    return c;
  };
  for (const p of byKind.datatypes) datatypeMap(p.name, p.file);
  for (const t of transforms.tablesUsed) if (!tables.has(t)) throw new MappingError(`hl7v2/codes/${t}.yaml`, '', 'required by a named transform but missing');
  for (const d of transforms.datatypesUsed) if (!datatypes.has(d)) throw new MappingError(`hl7v2/datatypes/${d}.yaml`, '', 'required by a named transform but missing');

  const segmentMaps = new Map<string, CompiledSegmentMap>();
  for (const p of byKind.segments) segmentMaps.set(p.name, compileSegmentMap(envFor(p.file), p.name, p.doc));

  const byEvent = new Map<string, CompiledMessageMap>();
  const byStructure = new Map<string, CompiledMessageMap>();
  for (const p of byKind.messages) {
    const mm = compileMessageMap(p.file, p.name, p.doc, segmentMaps, transforms);
    for (const e of mm.events) {
      if (byEvent.has(e)) throw new MappingError(p.file, 'events', `${e} is already mapped by ${byEvent.get(e)!.name}`);
      byEvent.set(e, mm);
    }
    for (const s of mm.structures) {
      if (byStructure.has(s)) throw new MappingError(p.file, 'structures', `${s} is already mapped by ${byStructure.get(s)!.name}`);
      byStructure.set(s, mm);
    }
  }

  const evaluate = (name: string, ctx: EvalCtx): unknown => datatypes.get(name)!.evaluate(ctx);
  return new CompiledMappingSet(byEvent, byStructure, tables, evaluate);
}

/** Ids recur across messages (the sending facility, its practitioners, a patient's next result). */
const ID_CACHE_SIZE = 20_000;

type HeaderKey = Pick<Hl7Header, 'messageCode' | 'triggerEvent' | 'messageStructure'>;

class CompiledMappingSet implements MappingSet {
  constructor(
    private readonly byEvent: ReadonlyMap<string, CompiledMessageMap>,
    private readonly byStructure: ReadonlyMap<string, CompiledMessageMap>,
    private readonly tables: ReadonlyMap<string, CodeTable>,
    private readonly datatype: (name: string, ctx: EvalCtx) => unknown,
  ) {}

  /** Id factories by secret (a deployment has one or two: current and next). */
  private readonly idFactories = new Map<string, IdMemo>();

  private idFactory(secret: string): IdMemo {
    let f = this.idFactories.get(secret);
    if (!f) {
      f = new IdMemo(createKeyedIdFactory(secret), ID_CACHE_SIZE);
      if (this.idFactories.size > 8) this.idFactories.clear();
      this.idFactories.set(secret, f);
    }
    return f;
  }

  private find(h: HeaderKey): CompiledMessageMap | undefined {
    return (
      this.byEvent.get(`${h.messageCode.trim().toUpperCase()}^${h.triggerEvent.trim().toUpperCase()}`) ??
      this.byStructure.get(h.messageStructure.trim().toUpperCase())
    );
  }

  supports(header: HeaderKey): boolean {
    return this.find(header) !== undefined;
  }

  convert(message: Hl7Message, options: ConvertOptions): ConversionResult {
    const map = this.mapFor(message);
    try {
      return convertMessage(message, map, options, this.tables, this.datatype, this.idFactory(options.idSecret));
    } catch (e) {
      if (e instanceof ConversionError) throw e;
      // A map or transform fault must surface as a conversion failure the edges understand.
      throw new ConversionError('CONVERSION_FAILED', `conversion failed in map ${map.name}`, { map: map.name, cause: e instanceof Error ? e.name : 'unknown' });
    }
  }

  private mapFor(message: Hl7Message): CompiledMessageMap {
    const map = this.find(message.header);
    if (!map) {
      throw new ConversionError('HL7_UNSUPPORTED_MESSAGE', `no map for ${message.header.messageCode}^${message.header.triggerEvent}`, {
        segment: 'MSH',
        segmentIndex: 1,
        field: 9,
      });
    }
    return map;
  }

  mappedSources(message: Hl7Message): MappedSource[] {
    const map = this.mapFor(message);
    const seen = new Map<string, MappedSource>();
    const present = new Set(message.segments.map((s) => s.name));
    for (const [seg, maps] of map.segments) {
      if (!present.has(seg)) continue;
      for (const m of maps) for (const s of m.fields.sources) if (!seen.has(`${s.position} ${s.read}`)) seen.set(`${s.position} ${s.read}`, s);
    }
    return [...seen.values()].sort((a, b) => a.position.localeCompare(b.position));
  }

  mappedSourcePositions(message: Hl7Message): string[] {
    return [...new Set(this.mappedSources(message).map((s) => s.position))];
  }
}

import type { FhirResource, OperationOutcomeIssue } from './fhir-resource.model.js';
import { invariantFor, type Invariant, type JsonObject } from './invariant.registry.js';
import { buildPrimitiveChecks, expectedJson, type PrimitiveCheck } from './primitive.checks.js';
import { R4_STRUCTURE, type ElementSpec, type R4Structure } from './r4-structure.model.js';
import { isUrnUuid } from './fast-format.checks.js';
import { checkReferenceString, parseLiteralReference } from './reference.checks.js';
import { indexSegment, ValidationContext, type ResourceFrame } from './validation-context.js';

/** Validates FHIR R4 resources in their JSON form. */
export interface FhirValidator {
  /**
   * All issues for one resource (recursing into contained resources / Bundle entries).
   * Empty array = valid. Expressions are FHIRPath-like, e.g. `Patient.name[0].given[1]`.
   */
  validate(resource: FhirResource): OperationOutcomeIssue[];
}

/**
 * What an element's values are checked as. One `switch` on this small integer replaces a
 * closure per element: the hot path makes no indirect calls except the primitive check itself.
 */
const Kind = {
  Primitive: 0,
  /** a `code` with a required, enumerable binding */
  CodeInSet: 1,
  /** a complex type or backbone element */
  Object: 2,
  /** a Coding with a required, enumerable binding */
  CodingInSet: 3,
  /** a CodeableConcept with a required, enumerable binding */
  ConceptInSet: 4,
  Reference: 5,
  /** a resource (Bundle.entry.resource, Parameters.parameter.resource...) */
  Resource: 6,
  /** an item of `contained` */
  Contained: 7,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface KeyedInvariant extends Invariant {
  readonly key: string;
}

interface Prop {
  readonly key: string;
  readonly segment: string;
  /** `_key`, precomputed: building it per lookup costs a string allocation */
  readonly extensionKey: string;
  readonly min: number;
  /** -1 = unbounded */
  readonly max: number;
  readonly isArray: boolean;
  readonly primitive: boolean;
  /** index of the choice (`value[x]`) group, -1 for a plain element */
  readonly choiceGroup: number;
  /** the JSON name this key stands for in its choice group (`_valueString` → `valueString`) */
  readonly choiceName: string;
  /** for `_name`: the primitive element it extends */
  readonly extends: Prop | undefined;
  readonly kind: Kind;
  /** Primitive, CodeInSet: the value check */
  readonly valueCheck: PrimitiveCheck | undefined;
  /** Primitive, CodeInSet: the issue text when the value check fails */
  readonly message: string;
  /** CodeInSet, CodingInSet, ConceptInSet: the required value set */
  readonly codes: ValueSetCodes | null;
  /** Reference: the allowed target types (null = any) */
  readonly targets: ReadonlySet<string> | null;
  /** Object kinds: the type name, or the backbone path when `backbone` */
  readonly shapeName: string;
  readonly backbone: boolean;
  /** Object kinds: compiled on first use (recursive types would otherwise compile forever) */
  shape: Shape | undefined;
  readonly invariants: readonly KeyedInvariant[];
}

/** The part of a {@link Prop} that says how its values are checked. */
type ValueRule = Pick<Prop, 'kind' | 'valueCheck' | 'message' | 'codes' | 'targets' | 'shapeName' | 'backbone' | 'shape'>;

interface RequiredRule {
  readonly element: string;
  /** JSON keys any one of which satisfies the rule (choice variants and `_` forms) */
  readonly keys: readonly string[];
}

interface Shape {
  readonly name: string;
  readonly props: Map<string, Prop>;
  readonly required: readonly RequiredRule[];
  readonly invariants: readonly KeyedInvariant[];
  readonly choiceGroups: number;
  readonly isResource: boolean;
}

interface ValueSetCodes {
  readonly url: string;
  readonly all: ReadonlySet<string>;
  readonly bySystem: ReadonlyMap<string, ReadonlySet<string>>;
}

const EXT_1: KeyedInvariant = {
  key: 'ext-1',
  human: 'Must have either extensions or value[x], not both',
  test: (o) => {
    let value = false;
    for (const key in o) {
      if (key.length > 5 && key.startsWith('value')) value = true;
      else if (key.length > 6 && key.startsWith('_value')) value = true;
    }
    return (o['extension'] !== undefined) !== value;
  },
};

const BUNDLE_TYPES_RESOLVING_URNS = new Set(['transaction', 'document', 'message']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function capitalize(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

/**
 * Compiles the generated R4 table into one closure per element, lazily per type on first use,
 * then walks a resource once. Everything a check needs (cardinality, allowed types, regexes,
 * required codes, invariants) is resolved at compile time, so validation itself is a plain walk.
 */
class R4Validator implements FhirValidator {
  private readonly shapes = new Map<string, Shape>();
  private readonly primitives: Map<string, PrimitiveCheck>;
  private readonly valueSets = new Map<string, ValueSetCodes | null>();
  private readonly ctx = new ValidationContext();
  private elementShape: Shape | undefined;

  constructor(private readonly table: R4Structure) {
    const regexes = new Map<string, string>();
    for (const [name, spec] of Object.entries(table.types)) if (spec.k === 'p' && spec.re !== undefined) regexes.set(name, spec.re);
    this.primitives = buildPrimitiveChecks(regexes);
  }

  validate(resource: FhirResource): OperationOutcomeIssue[] {
    // validate() is synchronous and never re-entered, so one context is reused (no per-call allocation).
    // A call that threw half-way left state behind: reset before as well as after.
    const ctx = this.ctx;
    ctx.reset();
    if (!isObject(resource)) {
      ctx.report('structure', 'A resource must be a JSON object');
    } else {
      const type = resource['resourceType'];
      ctx.push(typeof type === 'string' && this.resourceShape(type) !== undefined ? type : 'Resource');
      this.validateResource(resource, ctx, false);
    }
    return ctx.reset();
  }

  // ---- resources ----

  private resourceShape(type: string): Shape | undefined {
    const spec = this.table.types[type];
    if (spec === undefined || spec.k !== 'r' || spec.a !== undefined) return undefined;
    return this.typeShape(type);
  }

  private validateResource(resource: JsonObject, ctx: ValidationContext, contained: boolean): void {
    const type = resource['resourceType'];
    if (typeof type !== 'string') {
      ctx.report('structure', 'Missing resourceType');
      return;
    }
    const shape = this.resourceShape(type);
    if (shape === undefined) {
      ctx.report('structure', `Unknown resource type ${type}`, '.resourceType');
      return;
    }
    if (contained) {
      this.checkContainedRules(resource, ctx);
      this.validateObject(resource, shape, ctx);
      return;
    }
    const outerFrame = ctx.frame;
    ctx.frame = undefined;
    if (type === 'Bundle') {
      const outerBundle = ctx.bundle;
      ctx.bundle = this.bundleScope(resource);
      this.validateObject(resource, shape, ctx);
      this.checkBundleEntries(resource, ctx);
      ctx.bundle = outerBundle;
    } else {
      this.validateObject(resource, shape, ctx);
    }
    const frame = ctx.frame;
    ctx.frame = outerFrame;
    if (frame !== undefined) this.finishFrame(resource, frame, ctx);
  }

  /** dom-2, dom-4, dom-5: a contained resource is a plain one: no nesting, no version, no labels. */
  private checkContainedRules(resource: JsonObject, ctx: ValidationContext): void {
    if (resource['contained'] !== undefined) {
      ctx.report('invariant', 'dom-2: If the resource is contained in another resource, it SHALL NOT contain nested Resources', '.contained');
    }
    const meta = resource['meta'];
    if (isObject(meta)) {
      if (meta['versionId'] !== undefined || meta['lastUpdated'] !== undefined) {
        ctx.report('invariant', 'dom-4: If a resource is contained in another resource, it SHALL NOT have a meta.versionId or a meta.lastUpdated', '.meta');
      }
      if (meta['security'] !== undefined) {
        ctx.report('invariant', 'dom-5: If a resource is contained in another resource, it SHALL NOT have a security label', '.meta');
      }
    }
  }

  /** ref-1 (local references resolve to a contained resource) and dom-3 (each contained resource is referenced). */
  private finishFrame(resource: JsonObject, frame: ResourceFrame, ctx: ValidationContext): void {
    const referenced = new Set<string>();
    for (const ref of frame.localRefs) {
      referenced.add(ref.id);
      if (!frame.containedIds.has(ref.id)) {
        ctx.reportAt(ref.expression, 'invariant', 'ref-1: SHALL have a contained resource if a local reference is provided');
      }
    }
    const contained = resource['contained'];
    if (!Array.isArray(contained)) return;
    contained.forEach((item, i) => {
      const id = isObject(item) ? item['id'] : undefined;
      const ok = (typeof id === 'string' && referenced.has(id)) || frame.refersToContainer.has(i);
      if (!ok) {
        ctx.report(
          'invariant',
          'dom-3: If the resource is contained in another resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing resource',
          `.contained${indexSegment(i)}`,
        );
      }
    });
  }

  private bundleScope(bundle: JsonObject): { fullUrls: Map<string, string>; mustResolve: boolean } {
    const fullUrls = new Map<string, string>();
    const entries = bundle['entry'];
    if (Array.isArray(entries)) {
      for (const entry of entries) {
        if (!isObject(entry) || typeof entry['fullUrl'] !== 'string' || !isObject(entry['resource'])) continue;
        const type = entry['resource']['resourceType'];
        if (typeof type === 'string') fullUrls.set(entry['fullUrl'], type);
      }
    }
    return { fullUrls, mustResolve: BUNDLE_TYPES_RESOLVING_URNS.has(bundle['type'] as string) };
  }

  /**
   * Bundle.entry.fullUrl agrees with its resource (R4 Bundle.entry.fullUrl): a urn:uuid is a
   * well-formed UUID; a RESTful URL ends with the resource's own type and id.
   */
  private checkBundleEntries(bundle: JsonObject, ctx: ValidationContext): void {
    const entries = bundle['entry'];
    if (!Array.isArray(entries)) return;
    for (let i = 0; i < entries.length; i++) {
      const entry: unknown = entries[i];
      if (!isObject(entry) || typeof entry['fullUrl'] !== 'string') continue;
      const fullUrl = entry['fullUrl'];
      const resource = entry['resource'];
      if (fullUrl.startsWith('urn:uuid:')) {
        if (!isUrnUuid(fullUrl)) ctx.report('value', 'fullUrl urn:uuid: is not followed by a lowercase UUID', fullUrlAt(i));
        continue;
      }
      if (!isObject(resource) || fullUrl.startsWith('urn:')) continue;
      const literal = parseLiteralReference(fullUrl);
      if (literal === undefined) {
        if (resource['id'] !== undefined) ctx.report('value', 'fullUrl of a resource with an id must be its RESTful URL (.../Type/id)', fullUrlAt(i));
      } else if (literal.type !== resource['resourceType'] || literal.id !== resource['id']) {
        ctx.report('value', 'fullUrl does not match the resource type and id of the entry', fullUrlAt(i));
      }
    }
  }

  // ---- objects ----

  private validateObject(obj: JsonObject, shape: Shape, ctx: ValidationContext): void {
    const props = shape.props;
    let count = 0;
    // One bit per choice group seen (R4 has at most 5 per element): no array per object.
    let chosen = 0;
    for (const key in obj) {
      count++;
      const prop = props.get(key);
      if (prop === undefined) {
        if (key !== 'resourceType' || !shape.isResource) ctx.report('structure', `Unknown element "${key}" in ${shape.name}`, `.${key}`);
        continue;
      }
      const group = prop.choiceGroup;
      if (group >= 0) {
        const bit = 1 << group;
        if ((chosen & bit) === 0) chosen |= bit;
        else this.checkChoice(obj, props, prop, ctx);
      }
      ctx.push(prop.segment);
      this.checkProp(prop, obj[key], obj, ctx);
      ctx.pop();
    }
    if (count === 0) {
      ctx.report('structure', `Empty object: ${shape.name} must have a value or children (ele-1)`);
      return;
    }
    const required = shape.required;
    for (let r = 0; r < required.length; r++) {
      const rule = required[r]!;
      const keys = rule.keys;
      let present = false;
      for (let k = 0; k < keys.length; k++) {
        if (obj[keys[k]!] !== undefined) {
          present = true;
          break;
        }
      }
      if (!present) ctx.report('required', `Missing required element ${rule.element} in ${shape.name}`, `.${rule.element}`);
    }
    const invariants = shape.invariants;
    for (let i = 0; i < invariants.length; i++) {
      const invariant = invariants[i]!;
      if (!invariant.test(obj)) ctx.report('invariant', `${invariant.key}: ${invariant.human}`);
    }
  }

  /**
   * A second key of the same choice group (`valueString` after `_valueString`, or a second
   * variant): the first one seen decides, as a variant may come with its `_` form only.
   */
  private checkChoice(obj: JsonObject, props: ReadonlyMap<string, Prop>, prop: Prop, ctx: ValidationContext): void {
    for (const key in obj) {
      const first = props.get(key);
      if (first === undefined || first.choiceGroup !== prop.choiceGroup) continue;
      if (first.choiceName !== prop.choiceName) {
        ctx.report('structure', `Only one type of a choice element may be present (${first.choiceName}, ${prop.choiceName})`, prop.segment);
      }
      return;
    }
  }

  private checkProp(prop: Prop, value: unknown, parent: JsonObject, ctx: ValidationContext): void {
    if (prop.max === 0) {
      ctx.report('structure', `Element ${prop.key} is not allowed here (max 0)`);
      return;
    }
    if (prop.extends !== undefined) {
      this.checkPrimitiveExtension(prop.extends, value, parent, ctx);
      return;
    }
    if (prop.isArray) {
      if (!Array.isArray(value)) {
        ctx.report('structure', `Element ${prop.key} must be a JSON array`);
        return;
      }
      const length = value.length;
      if (length === 0) {
        ctx.report('structure', `Empty array: ${prop.key} must be absent or have items`);
        return;
      }
      if (prop.max > 0 && length > prop.max) ctx.report('structure', `Element ${prop.key} has ${length} items, at most ${prop.max} allowed`);
      if (length < prop.min) ctx.report('required', `Element ${prop.key} has ${length} items, at least ${prop.min} required`);
      const extensions = prop.primitive ? parent[prop.extensionKey] : undefined;
      for (let i = 0; i < length; i++) {
        const item: unknown = value[i];
        ctx.push(indexSegment(i));
        if (item === null || item === undefined) {
          const ext = Array.isArray(extensions) ? (extensions[i] as unknown) : undefined;
          if (ext === null || ext === undefined) ctx.report('structure', `Null item in ${prop.key} without a matching _${prop.key} extension`);
        } else {
          this.checkValue(prop, item, ctx, i);
          if (prop.invariants.length > 0 && isObject(item)) this.checkInvariants(prop, item, ctx);
        }
        ctx.pop();
      }
      return;
    }
    if (Array.isArray(value)) {
      ctx.report('structure', `Element ${prop.key} must be a single value, not an array`);
      return;
    }
    if (value === null) {
      ctx.report('structure', `Element ${prop.key} must not be null`);
      return;
    }
    this.checkValue(prop, value, ctx, -1);
    if (prop.invariants.length > 0 && isObject(value)) this.checkInvariants(prop, value, ctx);
  }

  private checkInvariants(prop: Prop, item: JsonObject, ctx: ValidationContext): void {
    for (const invariant of prop.invariants) {
      if (!invariant.test(item)) ctx.report('invariant', `${invariant.key}: ${invariant.human}`);
    }
  }

  /** `_name`: the id/extensions of a primitive, parallel to it (with nulls) when it repeats. */
  private checkPrimitiveExtension(base: Prop, value: unknown, parent: JsonObject, ctx: ValidationContext): void {
    const element = (this.elementShape ??= this.typeShape('Element'));
    if (!base.isArray) {
      if (!isObject(value)) ctx.report('structure', `_${base.key} must be a JSON object`);
      else this.validateObject(value, element, ctx);
      return;
    }
    if (!Array.isArray(value) || value.length === 0) {
      ctx.report('structure', `_${base.key} must be a non-empty JSON array`);
      return;
    }
    const values = parent[base.key];
    if (values !== undefined && (!Array.isArray(values) || values.length !== value.length)) {
      ctx.report('structure', `_${base.key} must have as many items as ${base.key}`);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null) {
        if (values === undefined) {
          ctx.push(indexSegment(i));
          ctx.report('structure', `Null item in _${base.key} without a value in ${base.key}`);
          ctx.pop();
        }
        continue;
      }
      ctx.push(indexSegment(i));
      if (!isObject(item)) ctx.report('structure', `_${base.key} items must be JSON objects or null`);
      else this.validateObject(item, element, ctx);
      ctx.pop();
    }
    if (values === undefined && base.min > value.length) {
      ctx.report('required', `Element ${base.key} has ${value.length} items, at least ${base.min} required`);
    }
  }

  // ---- compilation ----

  private typeShape(type: string): Shape {
    const cached = this.shapes.get(type);
    if (cached !== undefined) return cached;
    const spec = this.table.types[type];
    if (spec === undefined || spec.k === 'p') throw new Error(`no complex type ${type} in the R4 table`);
    const invariants = this.keyedInvariants(spec.c, type);
    if (type === 'Extension') invariants.push(EXT_1);
    return this.compileShape(type, type, spec.e ?? {}, invariants, spec.k === 'r');
  }

  /** Backbone elements are compiled under their full path, which is also what contentReference names. */
  private backboneShape(path: string): Shape {
    const cached = this.shapes.get(path);
    if (cached !== undefined) return cached;
    const [type, ...names] = path.split('.');
    let elements = this.table.types[type!]?.e;
    let spec: ElementSpec | undefined;
    for (const name of names) {
      spec = elements?.[name];
      elements = spec?.e;
    }
    if (spec?.e === undefined) throw new Error(`no backbone element ${path} in the R4 table`);
    return this.compileShape(path, path, spec.e, [], false);
  }

  private compileShape(
    cacheKey: string,
    name: string,
    elements: Readonly<Record<string, ElementSpec>>,
    invariants: KeyedInvariant[],
    isResource: boolean,
  ): Shape {
    const props = new Map<string, Prop>();
    const required: RequiredRule[] = [];
    // Registered before its props compile: recursive types (Extension.extension, Identifier.assigner...) find it.
    const shape: Shape = { name, props, required, invariants, choiceGroups: 0, isResource };
    this.shapes.set(cacheKey, shape);
    let choiceGroups = 0;
    for (const [elementName, spec] of Object.entries(elements)) {
      const min = spec.n ?? 0;
      const max = spec.x ?? 1;
      const isArray = max !== 1;
      const elementInvariants = this.keyedInvariants(spec.c, `${name}.${elementName}`);
      const isChoice = elementName.endsWith('[x]');
      const baseName = isChoice ? elementName.slice(0, -3) : elementName;
      const group = isChoice ? choiceGroups++ : -1;
      const keys: string[] = [];
      const types = spec.r !== undefined ? [`#${spec.r}`] : (spec.t ?? []);
      for (const type of types) {
        const key = isChoice ? baseName + capitalize(jsonSuffix(type)) : baseName;
        if (props.has(key)) continue;
        const primitive = this.table.types[type]?.k === 'p';
        const prop: Prop = {
          key,
          segment: `.${key}`,
          extensionKey: `_${key}`,
          min,
          max,
          isArray,
          primitive,
          choiceGroup: group,
          choiceName: key,
          extends: undefined,
          ...this.valueRule(type, `${name}.${baseName}`, spec),
          invariants: elementInvariants,
        };
        props.set(key, prop);
        keys.push(key);
        if (primitive) {
          props.set(`_${key}`, { ...prop, key: `_${key}`, segment: `._${key}`, extends: prop, invariants: [] });
          keys.push(`_${key}`);
        }
      }
      if (min > 0) required.push({ element: elementName, keys });
    }
    (shape as { choiceGroups: number }).choiceGroups = choiceGroups;
    return shape;
  }

  private keyedInvariants(keys: readonly string[] | undefined, path: string): KeyedInvariant[] {
    const out: KeyedInvariant[] = [];
    for (const key of keys ?? []) {
      const invariant = invariantFor(key, path);
      if (invariant !== undefined) out.push({ key, ...invariant });
    }
    return out;
  }

  /** How the values of an element of type `type` (at `path`) are checked: see {@link Kind}. */
  private valueRule(type: string, path: string, spec: ElementSpec): ValueRule {
    const rule = (kind: Kind, shapeName: string, extra: Partial<ValueRule> = {}): ValueRule => ({
      kind,
      valueCheck: undefined,
      message: '',
      codes: null,
      targets: null,
      shapeName,
      backbone: false,
      shape: undefined,
      ...extra,
    });
    if (type === '@') return rule(Kind.Object, path, { backbone: true });
    if (type.startsWith('#')) return rule(Kind.Object, type.slice(1), { backbone: true });
    if (type === 'Resource') return rule(path.endsWith('.contained') ? Kind.Contained : Kind.Resource, type);
    if (type === 'Reference' || type.startsWith('Reference(')) {
      const targets = type === 'Reference' ? null : new Set(type.slice(10, -1).split(','));
      return rule(Kind.Reference, 'Reference', { targets });
    }
    const typeSpec = this.table.types[type];
    if (typeSpec === undefined) throw new Error(`unknown type ${type} at ${path}`);
    const codes = spec.b === undefined ? null : this.valueSet(spec.b);
    if (typeSpec.k === 'p') {
      const check = this.primitives.get(type);
      if (check === undefined) throw new Error(`no check for primitive ${type}`);
      const message = `Invalid ${type}: expected ${expectedJson(type)}`;
      const inSet = codes !== null && type === 'code';
      return rule(inSet ? Kind.CodeInSet : Kind.Primitive, type, { valueCheck: check, message, codes: inSet ? codes : null });
    }
    if (codes !== null && type === 'Coding') return rule(Kind.CodingInSet, type, { codes });
    if (codes !== null && type === 'CodeableConcept') return rule(Kind.ConceptInSet, type, { codes });
    return rule(Kind.Object, type);
  }

  /** The compiled shape of an Object-kind prop, compiled on first use. */
  private propShape(prop: Prop): Shape {
    const shape = prop.backbone ? this.backboneShape(prop.shapeName) : this.typeShape(prop.shapeName);
    prop.shape = shape;
    return shape;
  }

  /** Checks one value (an item, or the single value) of `prop`; `index` is its array position or -1. */
  private checkValue(prop: Prop, value: unknown, ctx: ValidationContext, index: number): void {
    const kind = prop.kind;
    if (kind === Kind.Primitive) {
      if (!prop.valueCheck!(value)) ctx.report('value', prop.message);
      return;
    }
    if (kind === Kind.CodeInSet) {
      if (!prop.valueCheck!(value)) ctx.report('value', prop.message);
      else if (!prop.codes!.all.has(value as string)) ctx.report('code-invalid', `Code not in the required value set ${prop.codes!.url}`);
      return;
    }
    if (kind === Kind.Resource) {
      if (!isObject(value)) ctx.report('structure', 'A resource must be a JSON object');
      else this.validateResource(value, ctx, false);
      return;
    }
    if (kind === Kind.Contained) {
      this.checkContained(value, ctx, index);
      return;
    }
    const shape = prop.shape ?? this.propShape(prop);
    if (!isObject(value)) {
      ctx.report('structure', `Expected a JSON object (${shape.name})`);
      return;
    }
    this.validateObject(value, shape, ctx);
    if (kind === Kind.Reference) {
      const ref = value['reference'];
      if (typeof ref === 'string') checkReferenceString(ref, prop.targets, ctx);
    } else if (kind === Kind.CodingInSet || kind === Kind.ConceptInSet) {
      const codes = prop.codes!;
      const ok = kind === Kind.ConceptInSet ? conceptInSet(value, codes) : codingInSet(value, codes);
      if (!ok) ctx.report('code-invalid', `No coding from the required value set ${codes.url}`);
    }
  }

  private checkContained(value: unknown, ctx: ValidationContext, index: number): void {
    if (!isObject(value)) {
      ctx.report('structure', 'A contained resource must be a JSON object');
      return;
    }
    const frame = ctx.ensureFrame();
    const id = value['id'];
    if (typeof id === 'string') {
      if (frame.containedIds.has(id)) ctx.report('structure', 'Duplicate contained resource id');
      else frame.containedIds.set(id, index);
    }
    const outer = frame.containedIndex;
    frame.containedIndex = index;
    this.validateResource(value, ctx, true);
    frame.containedIndex = outer;
  }

  private valueSet(url: string): ValueSetCodes | null {
    const cached = this.valueSets.get(url);
    if (cached !== undefined) return cached;
    const source = this.table.valueSets[url];
    let codes: ValueSetCodes | null = null;
    if (source !== undefined) {
      const bySystem = new Map<string, ReadonlySet<string>>();
      const all = new Set<string>();
      for (const [system, list] of Object.entries(source)) {
        bySystem.set(system, new Set(list));
        for (const code of list) all.add(code);
      }
      codes = { url, all, bySystem };
    }
    this.valueSets.set(url, codes);
    return codes;
  }
}

/** The expression suffix of entry `i`'s fullUrl, built only when an issue is reported there. */
function fullUrlAt(i: number): string {
  return `.entry${indexSegment(i)}.fullUrl`;
}

function jsonSuffix(type: string): string {
  if (type.startsWith('Reference(')) return 'Reference';
  if (type === 'SimpleQuantity' || type === 'MoneyQuantity') return 'Quantity';
  return type;
}

function conceptInSet(concept: JsonObject, codes: ValueSetCodes): boolean {
  const coding = concept['coding'];
  if (!Array.isArray(coding)) return false;
  for (let i = 0; i < coding.length; i++) if (codingInSet(coding[i], codes)) return true;
  return false;
}

function codingInSet(coding: unknown, codes: ValueSetCodes): boolean {
  if (!isObject(coding) || typeof coding['code'] !== 'string') return false;
  const system = coding['system'];
  if (typeof system !== 'string') return false;
  return codes.bySystem.get(system)?.has(coding['code']) ?? false;
}

let instance: FhirValidator | undefined;

/**
 * The FHIR R4 (4.0.1) validator, built once from the generated definitions table and cached.
 *
 * Checked, as the R4 StructureDefinitions say: unknown elements; cardinality (min/max, arrays
 * vs single values); element types, including choice types (`value[x]` → `valueQuantity`, only
 * one variant present) and profiled SimpleQuantity/MoneyQuantity; primitive formats (the R4
 * regexes, JSON number/boolean forms, integer ranges, calendar-valid dates, XHTML div); `_name`
 * primitive extensions (parallel arrays with nulls); required bindings whose value set can be
 * enumerated from the definitions (for `code`, `Coding` and `CodeableConcept` — a coding must
 * carry the system); references (`Type/id[/_history/v]`, absolute URLs, `urn:uuid:`,
 * `urn:oid:`, `#id`) with the target types the element allows, `urn:uuid:` references resolved
 * inside transaction/document/message Bundles; contained resources and Bundle entries,
 * recursively; no empty objects, arrays or strings (ele-1); Bundle.entry.fullUrl agreeing with
 * its resource; ext-1, dom-2..dom-5, ref-1 and the invariants in {@link CHECKED_INVARIANTS}.
 *
 * Not checked: other invariants (FHIRPath constraints of resources the engine does not emit),
 * extensible/preferred bindings, value sets defined by filters or external code systems (UCUM,
 * LOINC, SNOMED, MIME types, languages), profiles other than the base resources, extension
 * definitions (any extension url is accepted), and whether references resolve outside a Bundle.
 */
export function createR4Validator(): FhirValidator {
  instance ??= new R4Validator(R4_STRUCTURE);
  return instance;
}

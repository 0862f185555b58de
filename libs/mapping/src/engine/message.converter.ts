import type { Bundle, BundleEntry, FhirResource } from '@hie/fhir';
import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';
import { ConversionError } from '../mapping.errors.js';
import type { ConversionResult, ConvertOptions } from '../mapping-set.model.js';
import { dtmToInstant } from '../transforms/index.js';
import type { CodeTable } from './code-table.js';
import type { CompiledMessageMap, CompiledSegmentMap } from './compiled.model.js';
import { ConversionRun, type DatatypeEvaluator } from './conversion-run.js';
import { GroupInstance, type GroupDef } from './group-instance.js';
import { clean } from './position.js';
import type { IdMemo } from './id-memo.js';
import type { Slot } from './slot.js';

interface Placed {
  readonly segment: Hl7Segment;
  readonly segmentIndex: number;
  readonly group: GroupInstance;
  readonly maps: readonly CompiledSegmentMap[];
  readonly slots: Slot[];
}

/** Puts each segment in its group instance (docs/mappings.md, Grouping). */
export function placeSegments(message: Hl7Message, map: CompiledMessageMap): Placed[] {
  const root = new GroupInstance(undefined, undefined);
  const open: GroupInstance[] = []; // innermost last
  const byName = new Map<string, GroupDef>(map.groups.map((g) => [g.name, g]));
  const placed: Placed[] = [];
  message.segments.forEach((segment, i) => {
    let group: GroupInstance | undefined;
    for (let j = open.length - 1; j >= 0; j--) {
      if (open[j]!.accepts(segment.name)) {
        group = open[j];
        open.length = j + 1;
        break;
      }
    }
    if (!group) {
      const def = map.groups.find((g) => g.leaders.has(segment.name));
      if (def) {
        const parentDef = def.parent ? byName.get(def.parent) : undefined;
        let parentIdx = -1;
        if (parentDef) for (let j = open.length - 1; j >= 0 && parentIdx < 0; j--) if (open[j]!.def === parentDef) parentIdx = j;
        // A child group whose parent is not open (e.g. OBX before any OBR) hangs off the message.
        open.length = parentIdx + 1;
        group = new GroupInstance(def, parentIdx >= 0 ? open[parentIdx] : root);
        open.push(group);
      } else {
        group = root;
      }
    }
    group.add(segment);
    placed.push({ segment, segmentIndex: i + 1, group, maps: map.segments.get(segment.name) ?? [], slots: [] });
  });
  return placed;
}

/** Checks the message map's required segments and fields. */
function checkRequired(message: Hl7Message, map: CompiledMessageMap): void {
  for (const rule of map.required) {
    const idx = message.segments.findIndex((s) => s.name === rule.segment);
    if (idx < 0) {
      throw new ConversionError('HL7_REQUIRED_MISSING', `required segment ${rule.segment} is missing`, {
        segment: rule.segment,
        segmentIndex: 0,
        field: 0,
      });
    }
    if (rule.field === undefined) continue;
    const field = message.segments[idx]!.fields[rule.field];
    const blank = !field || field.every((rep) => rep.every((c) => c.every((s) => clean(s).trim() === '')));
    if (blank) {
      throw new ConversionError('HL7_REQUIRED_MISSING', `required field ${rule.segment}-${rule.field} is empty`, {
        segment: rule.segment,
        segmentIndex: idx + 1,
        field: rule.field,
      });
    }
    if (rule.valid && !rule.valid(clean(field![0]?.[0]?.[0]).trim())) {
      throw new ConversionError('HL7_BAD_VALUE', `required field ${rule.segment}-${rule.field} has a bad value`, {
        segment: rule.segment,
        segmentIndex: idx + 1,
        field: rule.field,
      });
    }
  }
}

/** Converts one message with one message map into a transaction Bundle. */
export function convertMessage(
  message: Hl7Message,
  map: CompiledMessageMap,
  options: ConvertOptions,
  tables: ReadonlyMap<string, CodeTable>,
  datatype: DatatypeEvaluator,
  ids: IdMemo,
): ConversionResult {
  if (clean(message.header.controlId).trim() === '') {
    throw new ConversionError('HL7_REQUIRED_MISSING', 'required field MSH-10 is empty', { segment: 'MSH', segmentIndex: 1, field: 10 });
  }
  checkRequired(message, map);
  const run = new ConversionRun(message, options, tables, datatype, ids);
  const placed = placeSegments(message, map);

  // 1. Every resource-to-be gets a slot first, so references never depend on evaluation order.
  for (const p of placed) {
    for (const m of p.maps) {
      if (m.kind === 'extends') continue;
      const slot: Slot = {
        map: m,
        type: m.type,
        alias: m.alias,
        group: p.group,
        segment: p.segment,
        segmentIndex: p.segmentIndex,
        id: undefined,
        reference: undefined,
        idState: 0,
        body: undefined,
        bodyState: 0,
      };
      p.group.addSlot(slot);
      p.slots.push(slot);
    }
  }
  // 2. Fields, then resources (same type and id from two segments merge into one).
  const patches: BundleEntry[] = [];
  for (const p of placed) {
    let slotIdx = 0;
    let applied = p.maps.some((m) => m.kind !== 'extends');
    const unapplied: string[] = [];
    for (const m of p.maps) {
      if (m.kind === 'extends') {
        // A segment adds to the resource of its own group made just before it (an NTE to the
        // OBX it follows), never to one in a parent group.
        const target = p.group.findOwnSlotBefore(m.type, p.segmentIndex);
        if (!target || !run.slotAlive(target)) {
          unapplied.push(m.type);
          continue;
        }
        applied = true;
        const body = m.fields(run.ctxOf(p));
        if (body) run.addResource({ resourceType: target.type, id: run.slotId(target), ...body }, p.segment.name);
        continue;
      }
      const slot = p.slots[slotIdx++]!;
      if (!run.slotAlive(slot)) continue;
      const id = run.slotId(slot);
      const body = run.slotBody(slot);
      if (m.kind === 'resource') {
        if (body && m.inPlace) {
          body['id'] = id;
          run.addResource(body as FhirResource & { id: string }, p.segment.name);
        } else run.addResource({ resourceType: slot.type, id, ...(body ?? {}) }, p.segment.name);
      } else if (body) patches.push(patchEntry(slot.type, id, body));
    }
    if (!applied && unapplied.length) {
      run.issues.push({
        severity: 'warning',
        code: 'not-supported',
        diagnostics: `${p.segment.name} (segment ${p.segmentIndex}): no ${unapplied.join(' or ')} in its group to add to; segment not mapped`,
        expression: [p.segment.name],
      });
    }
  }
  return { bundle: assemble(run, patches), issues: run.issues };
}

/** An RFC 6902 patch that sets each given element, carried in a Binary (FHIR transaction PATCH). */
function patchEntry(type: string, id: string, set: Record<string, unknown>): BundleEntry {
  const ops = Object.entries(set).map(([k, value]) => ({ op: 'add', path: `/${k}`, value }));
  return {
    fullUrl: `urn:uuid:${id}`,
    resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') },
    request: { method: 'PATCH', url: `${type}/${id}` },
  };
}

/**
 * Resources a datatype map made inside an element that was then left out (a receiver of a
 * destination without endpoint) are referenced by nothing: drop them, keep the rest in order.
 */
function reachable(run: ConversionRun): (FhirResource & { id: string })[] {
  const keep = new Set<string>();
  for (const id of run.resources.keys()) if (!run.derived.has(id)) keep.add(id);
  const queue = [...keep];
  while (queue.length) {
    const r = run.resources.get(queue.pop()!);
    collectReferences(r, (ref) => {
      // `Type/id` → the resource of that id, if it is of that type.
      const slash = ref.indexOf('/');
      const id = ref.slice(slash + 1);
      const target = run.resources.get(id);
      if (target && target.resourceType === ref.slice(0, slash) && !keep.has(id)) {
        keep.add(id);
        queue.push(id);
      }
    });
  }
  const out: (FhirResource & { id: string })[] = [];
  for (const [id, r] of run.resources) if (keep.has(id)) out.push(r);
  return out;
}

function collectReferences(v: unknown, found: (ref: string) => void): void {
  if (Array.isArray(v)) for (const x of v) collectReferences(x, found);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (k === 'reference' && typeof x === 'string') found(x);
      else collectReferences(x, found);
    }
  }
}

function assemble(run: ConversionRun, patches: BundleEntry[]): Bundle {
  const entries: BundleEntry[] = [];
  const made = run.discarded ? reachable(run) : [...run.resources.values()];
  // MessageHeader first, as readers of a message-derived Bundle expect (otherwise message order).
  const all: (FhirResource & { id: string })[] = [];
  for (const r of made) if (r.resourceType === 'MessageHeader') all.push(r);
  for (const r of made) if (r.resourceType !== 'MessageHeader') all.push(r);
  // Each `Type/id` is built once: the entry's request URL and the Provenance target.
  const targets: { reference: string }[] = [];
  for (const r of all) {
    const url = `${r.resourceType}/${r.id}`;
    entries.push({ fullUrl: `urn:uuid:${r.id}`, resource: r, request: { method: 'PUT', url } });
    targets.push({ reference: url });
  }
  entries.push(...patches);
  const provenance = buildProvenance(run, all, targets);
  entries.push({ fullUrl: `urn:uuid:${provenance.id}`, resource: provenance, request: { method: 'PUT', url: `Provenance/${provenance.id}` } });
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/** Provenance: every resource made from this message, who sent it, and which message it was. */
function buildProvenance(
  run: ConversionRun,
  resources: readonly (FhirResource & { id: string })[],
  targets: { reference: string }[],
): FhirResource & { id: string } {
  const h = run.message.header;
  const header = resources.find((r) => r.resourceType === 'MessageHeader');
  const sender = header?.['sender'] as { reference?: string } | undefined;
  const id = run.id(['Provenance', h.sendingApplication, h.sendingFacility, h.controlId]);
  const recorded = run.options.receivedAt?.toISOString() ?? dtmToInstant(h.dateTime, run.options.timezone ?? 'Z');
  const entityId: Record<string, unknown> = { system: 'urn:ietf:rfc:3986', value: `urn:hl7v2:msh-10:${encodeURIComponent(h.controlId)}` };
  const entity: Record<string, unknown>[] = [{ role: 'source', what: { identifier: entityId, display: `HL7 v2 message ${h.messageCode}^${h.triggerEvent}` } }];
  if (run.options.messageId) entity.push({ role: 'source', what: { identifier: { system: 'urn:hie:message-store', value: run.options.messageId } } });
  const who = sender?.reference ? { reference: sender.reference } : { display: h.sendingApplication || 'unknown sender' };
  const prov: FhirResource & { id: string } = {
    resourceType: 'Provenance',
    id,
    target: targets,
    agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who }],
    entity,
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }] },
  };
  if (recorded) prov['recorded'] = recorded;
  return prov;
}

import { InvalidInputError } from '@hie/common';

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Parses and shape-checks a JSON Patch document. Errors name the operation index, never values. */
export function parseJsonPatch(text: string): JsonPatchOperation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InvalidInputError('FHIR_PATCH_INVALID', 'The JSON Patch is not valid JSON');
  }
  if (!Array.isArray(doc)) throw new InvalidInputError('FHIR_PATCH_INVALID', 'A JSON Patch must be an array');
  return doc.map((op: unknown, index) => {
    const o = op as Partial<JsonPatchOperation> | null;
    const valid =
      typeof o === 'object' && o !== null && typeof o.op === 'string' && OPS.has(o.op) && typeof o.path === 'string' &&
      ((o.op !== 'move' && o.op !== 'copy') || typeof o.from === 'string') &&
      (!['add', 'replace', 'test'].includes(o.op) || 'value' in o);
    if (!valid) throw new InvalidInputError('FHIR_PATCH_INVALID', `JSON Patch operation ${index} is malformed`, { index });
    return o as JsonPatchOperation;
  });
}

/**
 * Applies RFC 6902 operations to a copy of `document`; all or nothing. Throws
 * InvalidInputError (FHIR_PATCH_FAILED) naming the operation index and path.
 */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let root: Json = structuredClone(document);
  operations.forEach((operation, index) => {
    const fail = (reason: string): never => {
      throw new InvalidInputError('FHIR_PATCH_FAILED', `JSON Patch operation ${index} (${operation.op} ${operation.path}) failed: ${reason}`, {
        index,
        op: operation.op,
        path: operation.path,
      });
    };
    const path = parsePointer(operation.path, fail);
    switch (operation.op) {
      case 'add':
        root = add(root, path, structuredClone(operation.value), fail);
        break;
      case 'remove':
        root = remove(root, path, fail).root;
        break;
      case 'replace':
        get(root, path, fail);
        root = remove(root, path, fail).root;
        root = add(root, path, structuredClone(operation.value), fail);
        break;
      case 'move': {
        const from = parsePointer(operation.from!, fail);
        if (from.length < path.length && from.every((t, i) => t === path[i])) fail('cannot move a value into itself');
        const removed = remove(root, from, fail);
        root = add(removed.root, path, removed.value, fail);
        break;
      }
      case 'copy':
        root = add(root, path, structuredClone(get(root, parsePointer(operation.from!, fail), fail)), fail);
        break;
      case 'test':
        if (!deepEqual(get(root, path, fail), operation.value)) fail('test did not match');
        break;
    }
  });
  return root as T;
}

function parsePointer(pointer: string, fail: (reason: string) => never): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) fail('a path must start with /');
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isContainer(value: Json): value is Container {
  return typeof value === 'object' && value !== null;
}

function arrayIndex(array: Json[], token: string, allowEnd: boolean, fail: (reason: string) => never): number {
  if (allowEnd && token === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail('bad array index');
  const index = Number(token);
  if (index > array.length || (!allowEnd && index === array.length)) fail('array index out of range');
  return index;
}

function parentOf(root: Json, path: readonly string[], fail: (reason: string) => never): Container {
  const parent = get(root, path.slice(0, -1), fail);
  if (!isContainer(parent)) fail('parent is not an object or array');
  return parent as Container;
}

function get(root: Json, path: readonly string[], fail: (reason: string) => never): Json {
  let node = root;
  for (const token of path) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, false, fail)];
    else if (isContainer(node) && Object.hasOwn(node, token)) node = (node as Record<string, Json>)[token];
    else fail('path does not exist');
  }
  return node;
}

function add(root: Json, path: readonly string[], value: Json, fail: (reason: string) => never): Json {
  if (path.length === 0) return value;
  const parent = parentOf(root, path, fail);
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, true, fail), 0, value);
  else parent[token] = value;
  return root;
}

function remove(root: Json, path: readonly string[], fail: (reason: string) => never): { root: Json; value: Json } {
  if (path.length === 0) fail('cannot remove the whole document');
  const parent = parentOf(root, path, fail);
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, token, false, fail);
    return { root, value: parent.splice(index, 1)[0] };
  }
  if (!Object.hasOwn(parent, token)) fail('path does not exist');
  const value = parent[token];
  delete parent[token];
  return { root, value };
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isContainer(a) && isContainer(b) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, Json>)[k], b[k]));
  }
  return false;
}

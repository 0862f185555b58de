/** Drops empty strings, arrays and objects so no empty element is ever written. */
export function present(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') {
    for (const _ in v) return true;
    return false;
  }
  return true;
}

export function holdsReference(v: unknown): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (holdsReference(x)) return true;
    return false;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k in o) if (k === 'reference' || holdsReference(o[k])) return true;
  }
  return false;
}

/**
 * A constant's copy per use, so no two resources share (and a merge never mutates) one object:
 * a function making fresh copies of a constant, with its structure walked once at compile
 * time (constants are copied per use, many times per message).
 */
export function jsonCopier(v: unknown): () => unknown {
  if (Array.isArray(v)) {
    const items = v.map(jsonCopier);
    return () => {
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) out.push(items[i]!());
      return out;
    };
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const values = keys.map((k) => jsonCopier((v as Record<string, unknown>)[k]));
    return () => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i]!();
      return out;
    };
  }
  return () => v;
}

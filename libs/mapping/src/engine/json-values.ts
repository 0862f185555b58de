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
  if (Array.isArray(v)) return v.some(holdsReference);
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (k === 'reference' || holdsReference(x)) return true;
  }
  return false;
}

/** A constant's copy per use, so no two resources share (and a merge never mutates) one object. */
export function cloneJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneJson(x);
    return out;
  }
  return v;
}

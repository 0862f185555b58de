/**
 * Value representations as small integers: the tokenizer compares numbers, not strings, in its
 * hot loop. The two ASCII bytes of an explicit VR map to a code through a 64 KiB-free switch.
 */
export const VR_NAMES = [
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL',
  'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US',
  'UT', 'UV',
] as const;

export type VrName = (typeof VR_NAMES)[number];

const CODE_OF = new Map<number, number>(VR_NAMES.map((name, index) => [(name.charCodeAt(0) << 8) | name.charCodeAt(1), index]));

/** VR code of two explicit-VR bytes, or -1 when they are not a VR (PS3.5 6.2). */
export function vrCodeOfBytes(b0: number, b1: number): number {
  return CODE_OF.get((b0 << 8) | b1) ?? -1;
}

/** VR code of a VR name (dictionary entries); -1 when unknown. */
export function vrCodeOfName(name: string): number {
  return name.length === 2 ? vrCodeOfBytes(name.charCodeAt(0), name.charCodeAt(1)) : -1;
}

export const VR = Object.fromEntries(VR_NAMES.map((name, index) => [name, index])) as Record<VrName, number>;

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV'].map(vrCodeOfName));
const BINARY = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN'].map(vrCodeOfName));

/** Explicit VRs whose header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
export const isLongVr = (code: number): boolean => LONG.has(code);

/** Opaque byte VRs: over the bulk threshold they are left out of the metadata. */
export const isBinaryVr = (code: number): boolean => BINARY.has(code);

/** Size of one value for fixed-size binary VRs (a length must be a multiple of it); 0 for the others. */
export function vrValueSize(code: number): number {
  switch (VR_NAMES[code]) {
    case 'US': case 'SS': case 'OW': return 2;
    case 'UL': case 'SL': case 'FL': case 'AT': case 'OF': case 'OL': return 4;
    case 'FD': case 'SV': case 'UV': case 'OD': case 'OV': return 8;
    default: return 0;
  }
}

/** A 31-bit FNV-1a hash of a UID: the second key of its advisory lock (collisions only serialise). */
export function uidLockKey(uid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) {
    h ^= uid.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

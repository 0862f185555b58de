/** This engine's Implementation Class UID (PS3.7 D.3.3.2): a 2.25 UUID-derived root. */
export const HIE_IMPLEMENTATION_CLASS_UID = '2.25.85559974601386380241583648641429420187';

/** Implementation Version Name written in the file meta groups the engine builds. */
export const HIE_IMPLEMENTATION_VERSION_NAME = 'HIE_ENGINE';

const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

/** A UID as PS3.5 9.1 allows it: digits and dots, at most 64 characters (leading zeros tolerated). */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && UID_PATTERN.test(uid);
}

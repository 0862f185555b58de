import dcmjs from 'dcmjs';
import { VR, VR_NAMES, vrCodeOfName } from './dicom-vr.js';

const dictionary = dcmjs.data.DicomMetaDictionary.dictionary;
const cache = new Map<number, number>();

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/** dcmjs writes the multi-VR cases in lower case; pick the binary/unsigned reading for them. */
function vrOfDictionaryName(name: string | undefined): number {
  switch (name) {
    case undefined: return VR.UN;
    case 'ox': case 'lt': return VR.OW; // "OB or OW" / "US or SS or OW": implicit VR bulk is OW (PS3.5 A.1)
    case 'xs': return VR.US; // "US or SS": sign depends on Pixel Representation; unsigned is the common case
    case 'up': return VR.UL; // "UL (offset)" in DICOMDIRs
    default: {
      const code = vrCodeOfName(name);
      return code < 0 ? VR.UN : code;
    }
  }
}

/**
 * VR code of a tag for implicit-VR data sets, from dcmjs's data dictionary (PS3.6). Group lengths
 * are UL, private creators LO; other private and unknown tags are UN (their bytes are kept opaque).
 */
export function implicitVrOf(tag: number): number {
  const cached = cache.get(tag);
  if (cached !== undefined) return cached;
  const group = tag >>> 16;
  const element = tag & 0xffff;
  let vr: number;
  if (element === 0) vr = VR.UL;
  else if (group & 1) vr = element >= 0x10 && element <= 0xff ? VR.LO : VR.UN;
  else vr = vrOfDictionaryName(dictionary[`(${hex4(group)},${hex4(element)})`]?.vr);
  // Bounded: hostile implicit-VR input could otherwise grow a process-wide map with made-up tags.
  if (cache.size < 20_000) cache.set(tag, vr);
  return vr;
}

/** Keyword of a standard tag ('PatientName'), for messages; undefined for private/unknown tags. */
export function keywordOf(tag: number): string | undefined {
  const name = dictionary[`(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`]?.name;
  return name && name !== 'Unknown' ? name : undefined;
}

/** VR name of a tag as an implicit-VR reader assumes it ('PN', 'SQ'; 'UN' for private/unknown tags). */
export function dictionaryVrOf(tag: number): string {
  return VR_NAMES[implicitVrOf(tag)] ?? 'UN';
}

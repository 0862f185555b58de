/** Tags the structural reader treats specially. */
export const TAG = {
  ITEM: 0xfffee000,
  ITEM_DELIMITATION: 0xfffee00d,
  SEQUENCE_DELIMITATION: 0xfffee0dd,
  PIXEL_DATA: 0x7fe00010,
  FLOAT_PIXEL_DATA: 0x7fe00008,
  DOUBLE_FLOAT_PIXEL_DATA: 0x7fe00009,
  DATA_SET_TRAILING_PADDING: 0xfffcfffc,
  SPECIFIC_CHARACTER_SET: 0x00080005,
  SOP_CLASS_UID: 0x00080016,
  SOP_INSTANCE_UID: 0x00080018,
  STUDY_INSTANCE_UID: 0x0020000d,
  SERIES_INSTANCE_UID: 0x0020000e,
} as const;

/** Length value meaning "undefined length" (delimited by an item/sequence delimiter). */
export const UNDEFINED_LENGTH = 0xffffffff;

/** '(GGGG,EEEE)' for messages: tags are structure, never PHI. */
export function tagText(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** Pixel Data in any of its three forms. */
export function isPixelDataTag(tag: number): boolean {
  return tag === TAG.PIXEL_DATA || tag === TAG.FLOAT_PIXEL_DATA || tag === TAG.DOUBLE_FLOAT_PIXEL_DATA;
}

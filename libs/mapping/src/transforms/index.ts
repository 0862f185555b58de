import { multiTransforms } from './multi.transforms.js';
import type { TransformRegistry } from './transform.model.js';
import { valueTransforms } from './value.transforms.js';

/** The built-in named transforms. */
export const builtinTransforms: TransformRegistry = {
  value: valueTransforms,
  multi: multiTransforms,
  tablesUsed: ['coding-system'],
  datatypesUsed: ['cwe.codeable-concept'],
};
export type { TransformContext, ValueTransform, MultiTransform, TransformRegistry } from './transform.model.js';
export { dtmToDate, dtmToDateTime, dtmToInstant, tmToTime, parseDtm } from './dtm.transform.js';

/** Errors with codes and small helpers shared by every lib. Imports nothing of ours. */
export { HieError, NotFoundError, InvalidInputError } from './hie-error.js';
export { uuidv7, deterministicId } from './ids.js';

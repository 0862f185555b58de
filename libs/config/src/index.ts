/** One validated, typed configuration; the only reader of process.env. */
export type { HieConfig } from './hie-config.js';
export { loadConfig } from './load-config.js';

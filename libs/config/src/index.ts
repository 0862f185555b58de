/** One validated, typed configuration; the only reader of process.env. */
export type { DicomConfig, HieConfig } from './hie-config.js';
export { loadConfig, loadEvmDeployKey } from './load-config.js';

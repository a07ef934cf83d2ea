/**
 * The package's Node entry (`lmm-ts` under the "node" condition, and `lmm-ts/node`): the core
 * (src/core.ts) with Node's platform installed (chains and summaries in worker threads, the
 * threaded Cholesky), and reading and writing files.
 */
import './node/install.js';

export * from './core.js';
export { loadTable, readDrawsCsv, writeReport } from './node/files.js';
export { nodePlatform } from './node/platform.js';

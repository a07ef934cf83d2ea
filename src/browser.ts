/**
 * The package's browser entry (`lmm-ts` under the "browser" condition, and `lmm-ts/browser`):
 * the core (src/core.ts) with a browser's platform installed, sampler chains in Web Workers
 * (see src/browser/platform.ts for where the worker script is looked for).
 */
import './browser/install.js';

export * from './core.js';
export { browserPlatform, setSamplerWorkerUrl } from './browser/platform.js';

/**
 * The `lmm` executable's loader (bundled by scripts/build-cli.mjs as dist/cli/lmm.js, beside the
 * CLI bundle dist/cli/lmm.cjs and its code cache dist/cli/lmm.cjs.cache).
 *
 * Why: a fresh `lmm fit` of a small model spent about half of its fit time compiling functions on
 * their first call (V8 compiles lazily; `--no-lazy` halved Dyestuff's fit). The CLI is therefore
 * one CommonJS script compiled through `vm.Script` with V8's code cache: the bytecode of every
 * function the build's training run called (scripts/build-code-cache.mjs), so a fresh process
 * neither parses nor compiles them again. The cache is only an accelerator: V8 checks it against
 * the source, its own version and flags, and when it does not match (another Node, other V8 flags)
 * it is ignored and the script compiles as usual, with the same results.
 *
 * `LMM_CODE_CACHE=0` in the environment skips the cache (for measuring what it buys).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Io } from './io.js';

/** The CLI bundle (CommonJS) in the directory `dir` (a file URL or path), and its code cache. */
export function bundleFiles(dir: string | URL): { bundlePath: string; codeCachePath: string } {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  const bundlePath = fileURLToPath(new URL('./lmm.cjs', base));
  return { bundlePath, codeCachePath: `${bundlePath}.cache` };
}

/**
 * V8 flags for a process that mostly runs code once or a few hundred times: baseline (Sparkplug)
 * machine code from a function's first call instead of after its interpreter budget, and type
 * feedback from the first call, so the optimiser sees it sooner. Measured over the 21 lme4
 * fixture fits in fresh processes: the sum of fitMillis fell by about 15%. Set before the bundle
 * is compiled, in the training run as here, so that the code cache's flag check matches.
 */
const coldStartFlags = ['--always-sparkplug', '--no-lazy-feedback-allocation'];

/** The loaded CLI: its `main` and the compiled script (for writing the code cache). */
export interface LoadedCli {
  main: (argv: string[], io?: Io) => Promise<number>;
  script: vm.Script;
  /** Whether a code cache was given and V8 accepted it. */
  codeCache: 'accepted' | 'rejected' | 'none';
}

/**
 * Compile and run the CLI bundle as Node's CommonJS loader would (the same function wrapper),
 * with the code cache when there is one. `dir` holds lmm.cjs (dist/cli). The bundle's dynamic
 * imports (the report module, DuckDB) go through `__lmmImport`, Node's ES module loader.
 */
export function loadCli(dir: string | URL, useCache = process.env.LMM_CODE_CACHE !== '0'): LoadedCli {
  const { bundlePath, codeCachePath } = bundleFiles(dir);
  for (const flag of coldStartFlags) v8.setFlagsFromString(flag);
  const source = readFileSync(bundlePath, 'utf8');
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = readFileSync(codeCachePath);
    } catch {
      // no cache (a build that skipped the training run): compile as usual
    }
  }
  const bundleUrl = pathToFileURL(bundlePath).href;
  // The bundle's dynamic imports (rewritten by scripts/build-cli.mjs) resolve from its directory.
  const lmmImport = (specifier: string) => import(specifier.startsWith('.') ? new URL(specifier, bundleUrl).href : specifier);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __lmmImport) {${source}\n})`, { filename: bundlePath, cachedData });
  const module = { exports: {} as { main?: LoadedCli['main'] } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath), lmmImport);
  if (typeof module.exports.main !== 'function') throw new Error(`lmm: ${bundlePath} does not export main`);
  return { main: module.exports.main, script, codeCache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' };
}

/**
 * The `lmm` executable as the user runs it (dist/cli):
 *
 * - `lmm.cjs`: the whole CLI (dist/src/cli/main.js and what it imports) as one CommonJS script,
 *   so that `lmm.js` can compile it with V8's code cache (src/cli/launch.ts). Bundling also means
 *   a fresh process reads one file instead of several hundred (stdlib's packages alone are ~150
 *   modules). Subcommands stay lazily initialised: esbuild wraps a module reached only through a
 *   dynamic import in an init function that runs on first use.
 * - `lmm.js`: the executable loader (shebang, executable bit), src/cli/bin.ts.
 * - ES modules beside them: the worker entries, where src/node/platform.ts looks for them
 *   (`new URL('./samplerWorker.js', import.meta.url)`), and `report.js`, the report with vega
 *   (vega has a top-level await, which CommonJS cannot hold; only compare --report loads it).
 * - `lmm.cjs.cache`: the code cache, written by scripts/build-code-cache.mjs after this.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
// DuckDB's native binding stays a package import (loaded only by commands that read Parquet/--sql).
const external = ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*'];

// Chunk names carry content hashes: start from an empty directory so old chunks do not pile up.
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    lmm: 'dist/src/cli/bin.js',
    report: 'dist/samplers/report/report.js',
    samplerWorker: 'dist/src/node/samplerWorker.js',
    summaryWorker: 'dist/src/node/summaryWorker.js',
    bootstrapWorker: 'dist/src/node/bootstrapWorker.js',
    choleskyWorker: 'dist/src/node/choleskyWorker.js',
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  // CommonJS dependencies (stdlib) call require() for their own files only: esbuild inlines them.
  banner: { js: "import { createRequire as __lmmCreateRequire } from 'node:module'; const require = __lmmCreateRequire(import.meta.url);" },
  external,
  logLevel: 'warning',
});

// The report module is the ES module built above: the bundle imports it at run time.
const reportModule = {
  name: 'report-module',
  setup(build) {
    build.onResolve({ filter: /\/report\/report\.js$/ }, () => ({ path: './report.js', external: true }));
  },
};
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['dist/src/cli/main.js'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: `${outdir}/lmm.cjs`,
  // The sources' import.meta.url (workers, package.json) is the bundle's own file URL.
  define: { 'import.meta.url': '__lmmModuleUrl' },
  banner: { js: "const __lmmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  external,
  plugins: [reportModule],
  logLevel: 'warning',
});

// Two edits of the CommonJS text:
// - main.ts's shebang, which esbuild keeps, is no JavaScript inside the loader's function wrapper;
// - the dynamic imports esbuild leaves (the report module, DuckDB, node:fs) call the loader's
//   `__lmmImport` instead: `import()` inside a vm.Script compiled from a code cache finds no
//   loader callback in Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
const cjs = `${outdir}/lmm.cjs`;
let cjsText = readFileSync(cjs, 'utf8');
if (cjsText.startsWith('#!')) cjsText = cjsText.slice(cjsText.indexOf('\n') + 1);
cjsText = cjsText.replace(/(?<![\w$.])import\("([^"]+)"\)/g, '__lmmImport("$1")');
const left = cjsText.match(/(?<![\w$.])import\(\s*[A-Za-z_$"`]/);
if (left) throw new Error(`build-cli: a dynamic import left in lmm.cjs: ${left[0]}`);
writeFileSync(cjs, cjsText);

// The executable: a shebang on the entry (esbuild keeps the source's #! line), executable bit.
const entry = `${outdir}/lmm.js`;
const text = readFileSync(entry, 'utf8');
if (!text.startsWith('#!')) writeFileSync(entry, `#!/usr/bin/env node\n${text}`);
chmodSync(entry, 0o755);

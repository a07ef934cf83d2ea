/**
 * The `lmm` executable as the user runs it: the compiled CLI (dist/src) bundled by esbuild into
 * a few ES modules under dist/cli, so that a fresh process loads a handful of files instead of
 * several hundred (stdlib's packages alone are ~150 modules; loading them was half of a fresh
 * `lmm fit`'s wall time). Each subcommand stays its own chunk (code splitting), loaded on demand
 * as src/cli/main.ts does. The worker entries are bundled beside it under their own names, where
 * src/node/platform.ts looks for them (`new URL('./samplerWorker.js', import.meta.url)` from the
 * chunk that holds it, in the same directory).
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;

// Chunk names carry content hashes: start from an empty directory so old chunks do not pile up.
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    lmm: 'dist/src/cli/main.js',
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
  // DuckDB's native binding stays a package import (loaded only by commands that read Parquet/--sql).
  external: ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*'],
  logLevel: 'warning',
});
// The executable: a shebang on the entry (esbuild keeps the source's #! line), executable bit.
const entry = `${outdir}/lmm.js`;
const text = readFileSync(entry, 'utf8');
if (!text.startsWith('#!')) writeFileSync(entry, `#!/usr/bin/env node\n${text}`);
chmodSync(entry, 0o755);

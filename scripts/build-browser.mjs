/**
 * `npm run build:browser`: the browser build, two ES modules bundled by esbuild from the
 * TypeScript sources under the "browser" condition (so `#csv-parse` is csv-parse's browser
 * build; see package.json "imports"):
 *   dist/browser/lmm.js            the browser entry, src/browser.ts (fit, sample, compare, report)
 *   dist/browser/samplerWorker.js  the sampler's Web Worker (src/browser/samplerWorker.ts)
 * lmm.js looks for samplerWorker.js beside itself. Use it from a page with
 * `<script type="module">import { fitLmm } from './lmm.js'</script>`, served over http(s)
 * (browsers start no workers from file: pages; chains then run in the page's thread).
 * test/browser/browser.test.ts builds it into a temporary directory with {@link buildBrowser}.
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundle the browser build into `outdir` (default dist/browser); returns esbuild's result. */
export async function buildBrowser(outdir = `${root}dist/browser`, { minify = false } = {}) {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: { lmm: 'src/browser.ts', samplerWorker: 'src/browser/samplerWorker.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    minify,
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBrowser(undefined, { minify: process.argv.includes('--minify') });

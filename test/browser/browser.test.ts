/**
 * The browser build in a real browser: scripts/build-browser.mjs bundles src/browser.ts and the
 * sampler's Web Worker (esbuild, "browser" condition) into a temporary directory served over
 * http (browsers start no workers from file: pages), and headless Chromium (Debian's
 * /usr/bin/chromium, installed by test/report/ensure-chromium.sh; skipped without it) loads it.
 * In the page: sleepstudy parsed from CSV text (csv-parse's browser build), the exact REML fit,
 * sampling with chains in Web Workers and in the page's thread, and the HTML report with its
 * pooling explorer rendered from the same build.
 * References: lme4 1.1-31's REML criterion (test/fixtures/lme4/sleepstudy_slopes_reml.json,
 * made by test/fixtures/scripts), to 1e-9 relative as in the package test; the draws of the
 * same seed in this Node process, bit for bit (chains are seeded per chain, so where a chain
 * runs does not change its draws), also for Orthodont with `ar1(visit | Subject) + var(Sex)`
 * residuals (the residual-structure steps' arithmetic is engine-independent too); a crossed fit
 * on the supernodal route (the WebAssembly update step, the selected inverse) against this
 * process's, bit for bit.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromCsv } from '../../src/data/load.js';
import { fitLmm } from '../../src/fit/lmm.js';
import { sample } from '../../samplers/sample.js';
import { fixtures } from '../helpers.js';

const chromiumPath = '/usr/bin/chromium';
const noChromium = !existsSync(chromiumPath);
const root = join(fixtures, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'lmm-browser-'));
let server: Server | undefined;
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const formula = 'Reaction ~ Days + (Days | Subject)';

/**
 * 3,000 subjects each rating 4 or 5 of the 12 items of one of 50 courses (600 items), one in three
 * one item of any course, with subject and item effects (deterministic LCG): a crossed design
 * whose rest (the items) is large and sparse.
 */
function crossedRatingsCsv(): string {
  let state = 2026;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const item = Array.from({ length: 600 }, () => next() - 0.5);
  const lines = ['y,s,d'];
  for (let subject = 0; subject < 3000; subject++) {
    const course = Math.floor(next() * 50);
    const effect = 2 * (next() - 0.5);
    for (let r = 0; r < 5; r++) {
      const d = r < 4 || subject % 3 !== 0 ? course * 12 + Math.floor(next() * 12) : Math.floor(next() * 600);
      lines.push(`${(3 + effect + item[d] + next()).toFixed(6)},s${subject},d${d}`);
    }
  }
  return lines.join('\n') + '\n';
}
const csv = readFileSync(join(fixtures, 'data', 'sleepstudy.csv'), 'utf8');
const orthCsv = readFileSync(join(fixtures, 'data', 'orthodont.csv'), 'utf8');
const run = { seed: 2024, chains: 3, iter: 300 };

/** Serve `dir` on a free local port; returns the base URL. */
async function serve(): Promise<string> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
  server = createServer((request, response) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

const hex = (d: Float64Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');

/** Where two runs' draws (hex per chain) first differ, in words, or 'identical'. */
function difference(a: readonly string[], b: readonly string[], params: readonly string[]): string {
  if (a.length !== b.length) return `${a.length} chains against ${b.length}`;
  for (let c = 0; c < a.length; c++) {
    const x = new Float64Array(Buffer.from(a[c], 'hex').buffer.slice(0));
    const y = new Float64Array(Buffer.from(b[c], 'hex').buffer.slice(0));
    if (x.length !== y.length) return `chain ${c + 1}: ${x.length} values against ${y.length}`;
    let count = 0;
    let first = -1;
    let largest = 0;
    for (let i = 0; i < x.length; i++) {
      if (Object.is(x[i], y[i])) continue;
      count++;
      if (first < 0) first = i;
      largest = Math.max(largest, Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]), Math.abs(y[i])));
    }
    if (count > 0) {
      const P = params.length;
      return `chain ${c + 1}: ${count} of ${x.length} values differ, first draw ${Math.floor(first / P) + 1} of ${params[first % P]} (${x[first]} against ${y[first]}), largest relative difference ${largest}`;
    }
  }
  return 'identical';
}

describe('browser build in headless Chromium', () => {
  it.skipIf(noChromium)(`fits sleepstudy as lme4 does, samples the Node draws bit for bit, and renders the pooling explorer${noChromium ? ` (skipped: ${chromiumPath} not installed; run test/report/ensure-chromium.sh)` : ''}`, async () => {
    const { buildBrowser } = await import(join(root, 'scripts', 'build-browser.mjs'));
    const built = await buildBrowser(dir);
    expect(built.errors).toEqual([]);
    writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>lmm-ts</title><script type="module">import * as lmm from './lmm.js'; window.lmm = lmm; document.title = 'ready';</script>`);
    const base = await serve();
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const workers: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('worker', (worker) => workers.push(worker.url()));
      await page.goto(`${base}index.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => document.title === 'ready');

      // The page's code is a string, so that the test runner's transform cannot touch it.
      const inPage = (await page.evaluate(`(async () => {
        const { lmm } = window;
        const hex = (d) => Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');
        const table = lmm.tableFromCsv(${JSON.stringify(csv)}, 'sleepstudy.csv');
        const fit = lmm.fitLmm(table, ${JSON.stringify(formula)});
        const run = ${JSON.stringify(run)};
        const inWorkers = await lmm.sample(table, ${JSON.stringify(formula)}, { ...run, parallel: true });
        const inThread = await lmm.sample(table, ${JSON.stringify(formula)}, { ...run, parallel: false });
        return {
          platform: lmm.platform().name,
          canSpawn: lmm.platform().canSpawn('sampler'),
          REMLcrit: fit.toJSON().REMLcrit,
          params: inWorkers.params,
          workers: inWorkers.draws.map(hex),
          thread: inThread.draws.map(hex),
        };
      })()`)) as { platform: string; canSpawn: boolean; REMLcrit: number; params: string[]; workers: string[]; thread: string[] };
      expect(errors).toEqual([]);
      expect(inPage.platform).toBe('browser');
      expect(inPage.canSpawn).toBe(true);
      // The worker run used Web Workers (one per core, at most one per chain), beside the page.
      expect(workers.length).toBeGreaterThanOrEqual(1);
      expect(workers.every((url) => url === `${base}samplerWorker.js`)).toBe(true);

      const lme4 = JSON.parse(readFileSync(join(fixtures, 'lme4', 'sleepstudy_slopes_reml.json'), 'utf8'));
      expect(Math.abs(inPage.REMLcrit - lme4.REMLcrit) / lme4.REMLcrit).toBeLessThan(1e-9);
      // And this process's criterion bit for bit (the fitter's logarithms and the trust region's
      // trigonometry are samplers/elementary.ts's engine-independent ones).
      expect(inPage.REMLcrit).toBe(fitLmm(tableFromCsv(csv, 'sleepstudy.csv'), formula).toJSON().REMLcrit);

      const node = await sample(tableFromCsv(csv, 'sleepstudy.csv'), formula, { ...run, parallel: false });
      expect(inPage.params).toEqual(node.params);
      expect(difference(inPage.workers, inPage.thread, node.params)).toBe('identical');
      expect(difference(inPage.thread, node.draws.map(hex), node.params)).toBe('identical');

      // A crossed fit whose rest takes the supernodal route (602 rows, sparse): its update step
      // runs in the WebAssembly kernel and its conditional SDs come from the selected inverse;
      // the criterion, θ and the conditional SDs equal this Node process's bit for bit.
      const ratings = crossedRatingsCsv();
      const crossedFormula = 'y ~ 1 + (1 | s) + (1 | d)';
      const crossedPage = (await page.evaluate(`(() => {
        const { lmm } = window;
        const fit = lmm.fitLmm(lmm.tableFromCsv(${JSON.stringify(ratings)}, 'ratings.csv'), ${JSON.stringify(crossedFormula)});
        const json = fit.toJSON();
        return { REMLcrit: json.REMLcrit, theta: json.theta, condsd: json.ranef.map((r) => r.condsd) };
      })()`)) as { REMLcrit: number; theta: number[]; condsd: number[][] };
      const crossedNode = fitLmm(tableFromCsv(ratings, 'ratings.csv'), crossedFormula).toJSON();
      expect(crossedNode.optimization.evaluations).toBeGreaterThan(0);
      expect(crossedPage.REMLcrit).toBe(crossedNode.REMLcrit);
      expect(crossedPage.theta).toEqual(crossedNode.theta);
      expect(crossedPage.condsd).toEqual(crossedNode.ranef.map((r) => r.condsd));

      // A residual structure (AR(1) and a variance per stratum: the slice and ρ steps), in Web
      // Workers: the Node draws bit for bit.
      const residualRun = { ...run, residuals: 'ar1(visit | Subject) + var(Sex)' };
      const orthFormula = 'distance ~ age + Sex + (1 | Subject)';
      const residualPage = (await page.evaluate(`(async () => {
        const { lmm } = window;
        const hex = (d) => Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');
        const table = lmm.tableFromCsv(${JSON.stringify(orthCsv)}, 'orthodont.csv');
        const result = await lmm.sample(table, ${JSON.stringify(orthFormula)}, { ...${JSON.stringify(residualRun)}, parallel: true });
        return result.draws.map(hex);
      })()`)) as string[];
      const residualNode = await sample(tableFromCsv(orthCsv, 'orthodont.csv'), orthFormula, { ...residualRun, parallel: false });
      expect(residualNode.params).toContain('rho');
      expect(difference(residualPage, residualNode.draws.map(hex), residualNode.params)).toBe('identical');

      // A page whose worker script is missing: the chains run in the page's thread, same draws.
      const fallback = (await page.evaluate(`(async () => {
        const { lmm } = window;
        const hex = (d) => Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');
        lmm.setSamplerWorkerUrl(new URL('./missing-worker.js', location.href));
        const table = lmm.tableFromCsv(${JSON.stringify(csv)}, 'sleepstudy.csv');
        const result = await lmm.sample(table, ${JSON.stringify(formula)}, { ...${JSON.stringify(run)}, parallel: true });
        lmm.setSamplerWorkerUrl(new URL('./samplerWorker.js', location.href));
        return result.draws.map(hex);
      })()`)) as string[];
      expect(difference(fallback, node.draws.map(hex), node.params)).toBe('identical');
      expect(workers.some((url) => url.endsWith('/missing-worker.js')) || errors.some((e) => /404/.test(e))).toBe(true);
      errors.length = 0; // the missing script's 404

      // The report, pooling explorer included, rendered in the page by the same build, then shown.
      const html = (await page.evaluate(`(async () => {
        const { lmm } = window;
        const table = lmm.tableFromCsv(${JSON.stringify(csv)}, 'sleepstudy.csv');
        const comparison = await lmm.compare(table, ${JSON.stringify(formula)}, { chains: 2, iter: 300, seed: 5 });
        return lmm.renderReport(comparison);
      })()`)) as string;
      expect(errors).toEqual([]);
      await page.setContent(html, { waitUntil: 'load' });
      const explorer = page.locator('.explorer').first();
      const circles = explorer.locator('.explorer-panel circle[data-level]');
      expect(await circles.count()).toBeGreaterThanOrEqual(18); // 18 subjects
      const cy = () => circles.evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cy'))));
      const atFit = await cy();
      const slider = explorer.locator('input[type=range]');
      await slider.fill('0');
      await slider.dispatchEvent('input');
      const complete = await cy();
      expect(await explorer.locator('.explorer-label').textContent()).toContain('complete pooling');
      expect(complete.some((y, j) => Math.abs(y - atFit[j]) > 0.5)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/**
 * The report in a real browser: headless Chromium (Debian's /usr/bin/chromium, installed by
 * test/report/ensure-chromium.sh) loads the page with no console or page errors and shows the plots.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../samplers/compare/index.js';
import { renderReport } from '../../samplers/report/index.js';
import { dataset } from '../helpers.js';

const chromiumPath = '/usr/bin/chromium';
const noChromium = !existsSync(chromiumPath);
const dir = mkdtempSync(join(tmpdir(), 'lmm-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report in headless Chromium', () => {
  it.skipIf(noChromium)(`loads without errors and shows its SVG plots${noChromium ? ` (skipped: ${chromiumPath} not installed; run test/report/ensure-chromium.sh)` : ''}`, async () => {
    const comparison = await compare(dataset('politeness'), 'frequency ~ attitude + (1 | subject) + (1 | scenario)', { chains: 2, iter: 400, seed: 1, parallel: false });
    const file = join(dir, 'report.html');
    writeFileSync(file, await renderReport(comparison));
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // 2 terms × (shrinkage + caterpillar + shrinkage against n_j) and traces of beta×2, sigma2, Psi×2
      // (at least: the sampler may add derived parameters).
      expect(await page.locator('svg.marks').count()).toBeGreaterThanOrEqual(6 + 5);
      const sizes = await page.locator('svg.marks').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(100);
        expect(h).toBeGreaterThan(100);
      }
      // Every plot draws marks (paths), not just an empty frame.
      const marks = await page.locator('svg.marks').evaluateAll((svgs) => svgs.map((s) => s.querySelectorAll('path').length));
      for (const count of marks) expect(count).toBeGreaterThan(5);
      expect(await page.locator('h2').allTextContents()).toContain('Shrinkage');

      // The pooling explorer: one per term, every level a circle; the slider moves them.
      const explorers = page.locator('.explorer');
      expect(await explorers.count()).toBe(2);
      const scenario = explorers.first(); // lme4 order: scenario (7 levels) before subject (6)
      const circles = scenario.locator('.explorer-panel circle[data-level]');
      expect(await circles.count()).toBe(7);
      const cy = () => circles.evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cy'))));
      const label = () => scenario.locator('.explorer-label').textContent();
      const atFit = await cy();
      expect(await label()).toContain('REML estimate');
      const slider = scenario.locator('input[type=range]');
      const set = async (value: string) => {
        await slider.fill(value);
        await slider.dispatchEvent('input');
      };
      await set('0');
      const complete = await cy();
      expect(await label()).toContain('complete pooling');
      await set(await slider.getAttribute('max') as string);
      const none = await cy();
      expect(await label()).toContain('no pooling');
      // Every level moves; at complete pooling all sit at one value (no scenario-level predictors).
      for (let j = 0; j < 7; j++) {
        expect(Math.abs(complete[j] - atFit[j]) + Math.abs(none[j] - atFit[j])).toBeGreaterThan(0.5);
        expect(Math.abs(complete[j] - complete[0])).toBeLessThan(1e-6);
      }
      // The posterior draws of the ratio: a histogram on the slider's axis.
      expect(await scenario.locator('.explorer-ratio rect').count()).toBeGreaterThan(2);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: false });
    } finally {
      await context.close();
    }
  }, 60_000);
});

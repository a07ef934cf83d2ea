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
      // 2 terms × (shrinkage + caterpillar) and traces of beta×2, sigma2, Psi×2.
      expect(await page.locator('svg').count()).toBe(4 + 5);
      const sizes = await page.locator('svg').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(100);
        expect(h).toBeGreaterThan(100);
      }
      // Every plot draws marks (paths), not just an empty frame.
      const marks = await page.locator('svg').evaluateAll((svgs) => svgs.map((s) => s.querySelectorAll('path').length));
      for (const count of marks) expect(count).toBeGreaterThan(5);
      expect(await page.locator('h2').allTextContents()).toContain('Shrinkage');
    } finally {
      await context.close();
    }
  }, 60_000);
});

/**
 * Shared helpers of the worked examples: paths from the repository root, entry-point checks,
 * and the "published beside ours" tables they print.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import '../src/node/install.js';
import { loadTable } from '../src/node/files.js';
import { signif, table } from '../src/fit/format.js';
import type { LmmFit } from '../src/fit/lmm.js';

/** Options every example's `main` takes (the smoke tests shrink the sampler and capture output). */
export interface ExampleOptions {
  chains?: number;
  iter?: number;
  seed?: number;
  /** Write the HTML report of the example's comparison here. */
  report?: string;
  /** Where lines go (default: stdout). */
  log?: (line: string) => void;
}

/** The repository root: the nearest folder above this module with a package.json (works from examples/ and dist/examples/). */
export function repositoryRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(from)}`);
    dir = up;
  }
  return dir;
}

/** A dataset of test/fixtures/data as an arquero table. */
export function loadDataset(name: string) {
  return loadTable(join(repositoryRoot(), 'test', 'fixtures', 'data', `${name}.csv`));
}

/** Whether the module at `url` is the script node was started with. */
export function isEntryPoint(url: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === url;
}

/** `--report FILE` from the command line of an example, if given. */
export function reportArgument(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf('--report');
  return i >= 0 ? argv[i + 1] : undefined;
}

/** One line of a comparison: what, the published number (null if the seed gives none), ours. */
export type Beside = [label: string, published: number | null, ours: number];

/** Ours to one more decimal than the published number shows (5 significant digits where nothing is published). */
function oursText(published: number | null, ours: number): string {
  if (published === null) return signif(ours, 5);
  const decimals = (String(published).split('.')[1]?.length ?? 0) + 1;
  return ours.toFixed(decimals);
}

/** Published numbers beside ours, with the difference, as an aligned text table. */
export function besideTable(rows: readonly Beside[]): string {
  return table(
    [['', 'published', 'ours', 'difference'], ...rows.map(([label, published, ours]) => [label, published === null ? '' : String(published), oursText(published, ours), published === null ? '' : signif(ours - published, 2)])],
    1,
    '  ',
  );
}

/** Estimate and standard error of a linear combination Σ w_j β_j of a fit's fixed effects. */
export function combination(fit: LmmFit, weights: Record<string, number>): { estimate: number; stderr: number } {
  const names = fit.model.fixefNames;
  const p = names.length;
  const w = names.map((name) => weights[name] ?? 0);
  let estimate = 0;
  let variance = 0;
  for (let a = 0; a < p; a++) {
    estimate += w[a] * fit.beta[a];
    for (let b = 0; b < p; b++) variance += w[a] * w[b] * fit.vcov[a * p + b];
  }
  return { estimate, stderr: Math.sqrt(variance) };
}

/** A variance component of a fit by group and columns (var2 null: a variance; otherwise the covariance). */
export function component(fit: LmmFit, group: string, var1: string | null, var2: string | null = null) {
  const row = fit.varcorr.find((r) => r.grp === group && ((r.var1 === var1 && r.var2 === var2) || (r.var1 === var2 && r.var2 === var1)));
  if (!row) throw new Error(`no variance component ${group} ${var1} ${var2}`);
  return row;
}

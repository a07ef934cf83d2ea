/**
 * `npm run bench`: speed and memory, one JSON object per line on stdout, each with the figure,
 * its reference and the target from the issues. Every case runs in a child process of its own;
 * the fit and sampler cases also run the same command as a user does, `lmm` in a fresh process
 * (`fresh`: wall clock and the command's own fitMillis/sampleMillis), beside the figures taken
 * after warm-up in one process. `startup` and `fixtures` are fresh-process cases only. Run one
 * case with `node dist/bench/run.js NAME`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import '../src/node/install.js';
import type * as aq from 'arquero';
import { loadTable } from '../src/node/files.js';
import { benchSummaries, benchSummariesParallel } from '../src/diagnostics/bench.js';
import { fitLmm } from '../src/fit/lmm.js';
import { buildModel } from '../src/model/model.js';
import { GibbsKernel, samplerModel } from '../samplers/gibbs.js';
import { defaultPriors, termPriors } from '../samplers/priors.js';
import { createRng } from '../samplers/rng.js';
import { sampleModel } from '../samplers/sample.js';
import { instEval, simulateExam, simulateSlopes, simulateTwoFactors } from './simulate.js';

const hsbPath = fileURLToPath(new URL('../../test/fixtures/data/hsb.csv', import.meta.url));
const kb07Path = fileURLToPath(new URL('../../test/fixtures/data/kb07.csv', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * lme4's seconds for a case of bench/lme4_times.R: timed now by R when `--lme4` is given and
 * Rscript is there (the figure then comes from the same machine and load), else the figure
 * recorded in bench/lme4_times.json (with the conditions it was measured in).
 */
function lme4Seconds(name: string): { seconds: number; evaluations?: number; source: string } {
  if (process.argv.includes('--lme4')) {
    try {
      const out = execFileSync('Rscript', [join(repoRoot, 'bench', 'lme4_times.R'), name], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
      const r = JSON.parse(out)[name];
      return { seconds: r.seconds, evaluations: r.evaluations, source: 'timed now (Rscript bench/lme4_times.R)' };
    } catch {
      // no R here: the recorded figure
    }
  }
  const recorded = JSON.parse(readFileSync(join(repoRoot, 'bench', 'lme4_times.json'), 'utf8'));
  const r = recorded[name];
  if (!r || typeof r.seconds !== 'number') return { seconds: NaN, source: `not recorded (${r?.note ?? 'run with --lme4 where R is installed'})` };
  return { seconds: r.seconds, evaluations: r.evaluations, source: `recorded ${r.date ?? recorded.meta.date} (${r.conditions ?? recorded.meta.conditions ?? 'conditions not recorded'})` };
}

/** One fit of a hard model (no warm-up: these take seconds), against lme4 and an absolute target. */
function hardCase(name: string, lme4Case: string, table: aq.ColumnTable, formula: string, reml: boolean, maxSeconds?: number, csv?: string): Line {
  const lme4 = lme4Seconds(lme4Case);
  const fit = fitLmm(table, formula, { reml });
  const seconds = fit.fitMillis / 1000;
  const ratio = seconds / lme4.seconds;
  const fresh = freshFitOf(table, name, formula, reml, 1, csv);
  return {
    benchmark: `fit ${name}`,
    formula,
    method: reml ? 'REML' : 'ML',
    fresh: { ...fresh, ratio: +(fresh.fitSeconds / lme4.seconds).toFixed(4) },
    rows: fit.nobs,
    groups: fit.ngroups,
    theta: fit.theta.length,
    seconds: +seconds.toFixed(3),
    evaluations: fit.optimization.evaluations,
    msPerEvaluation: +(fit.fitMillis / fit.optimization.evaluations).toFixed(3),
    threads: fit.optimization.threads,
    criterion: fit.objective,
    lme4Seconds: lme4.seconds,
    lme4Evaluations: lme4.evaluations,
    lme4Source: lme4.source,
    ratio: +ratio.toFixed(4),
    target: maxSeconds === undefined ? 'ratio <= 0.2' : `ratio <= 0.2 and seconds <= ${maxSeconds}`,
    pass: ratio <= 0.2 && (maxSeconds === undefined || seconds <= maxSeconds),
  };
}

/**
 * Fresh-process figures: the command as a user runs it, `node dist/cli/lmm.js ...` (the package's bin, the bundled CLI; the
 * `lmm` executable) in a new process per run, timed from spawn to exit (Node start-up, module
 * loading, reading the data, the work and the output), beside the command's own
 * `fitMillis`/`sampleMillis` from its JSON. The median run of `runs` (by wall time).
 */
const cliPath = fileURLToPath(new URL('../cli/lmm.js', import.meta.url));

interface FreshRun {
  wallSeconds: number;
  json: Record<string, unknown>;
}

/** `lmm ARGS [--json]` in `runs` fresh processes: the median run by wall clock, with its parsed JSON. */
function freshCli(args: string[], runs = 3, json = true): FreshRun {
  const results: FreshRun[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const out = execFileSync(process.execPath, [cliPath, ...args, ...(json ? ['--json'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    const wallSeconds = (performance.now() - start) / 1000;
    results.push({ wallSeconds, json: json ? JSON.parse(out) : {} });
  }
  return results.sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor(results.length / 2)];
}

/** A table written to a temporary CSV for the CLI (simulated datasets); returns the path and a clean-up. */
function tableCsv(table: aq.ColumnTable, name: string): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-bench-'));
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, table.toCSV());
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `lmm fit` of a CSV in fresh processes: wall seconds and the command's fitMillis (median of `runs`). */
function freshFit(path: string, formula: string, reml: boolean, runs = 3): { wallSeconds: number; fitSeconds: number; evaluations: unknown } {
  const run = freshCli(['fit', '--data', path, '--formula', formula, ...(reml ? [] : ['--ml'])], runs);
  const fit = run.json as { fitMillis: number; optimization: { evaluations: number } };
  return { wallSeconds: +run.wallSeconds.toFixed(3), fitSeconds: +(fit.fitMillis / 1000).toFixed(4), evaluations: fit.optimization.evaluations };
}

type Line = Record<string, unknown>;
const emit = (line: Line) => process.stdout.write(JSON.stringify(line) + '\n');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Fit time (model building from the loaded table + optimisation + results), median of runs
 * after warm-up fits (V8 compiles the hot paths over the first few small fits).
 */
function fitCase(name: string, table: aq.ColumnTable, formula: string, lme4Seconds: number, repeats: number, reml = true, csv?: string): Line {
  // Warm-up (JIT): three fits for the small models, one for the large ones (repeats < 5).
  for (let w = 0; w < (repeats >= 5 ? 3 : 1); w++) fitLmm(table, formula, { reml });
  const times: number[] = [];
  let fit = fitLmm(table, formula, { reml });
  times.push(fit.fitMillis);
  for (let r = 1; r < repeats; r++) {
    fit = fitLmm(table, formula, { reml });
    times.push(fit.fitMillis);
  }
  const seconds = median(times) / 1000;
  const fresh = freshFitOf(table, name, formula, reml, repeats >= 5 ? 3 : 1, csv);
  return {
    benchmark: `fit ${name}`,
    formula,
    rows: fit.nobs,
    groups: fit.ngroups,
    fresh: { ...fresh, ratio: +(fresh.fitSeconds / lme4Seconds).toFixed(4) },
    seconds: +seconds.toFixed(4),
    lme4Seconds,
    ratio: +(seconds / lme4Seconds).toFixed(4),
    target: 'ratio <= 0.2 (warmed)',
    pass: seconds / lme4Seconds <= 0.2,
    evaluations: fit.optimization.evaluations,
    criterion: fit.objective,
  };
}

/** `freshFit` of a table: its CSV when there is one, else the table written to a temporary CSV. */
function freshFitOf(table: aq.ColumnTable, name: string, formula: string, reml: boolean, runs: number, csv?: string): ReturnType<typeof freshFit> {
  if (csv) return freshFit(csv, formula, reml, runs);
  const file = tableCsv(table, name.replace(/[^A-Za-z0-9]+/g, '_'));
  try {
    return freshFit(file.path, formula, reml, runs);
  } finally {
    file.dispose();
  }
}

const cases: Record<string, () => Promise<Line[]>> = {
  async build() {
    const table = simulateSlopes(1_000_000, 10_000);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      buildModel(table, 'y ~ x + z + (x | g)');
      times.push(performance.now() - start);
    }
    const seconds = median(times) / 1000;
    const peakMB = process.resourceUsage().maxRSS / 1024;
    return [{ benchmark: 'build model 1e6 rows, 1e4 groups', formula: 'y ~ x + z + (x | g)', seconds: +seconds.toFixed(4), peakMB: Math.round(peakMB), target: 'seconds < 1.5 and peakMB < 1024', pass: seconds < 1.5 && peakMB < 1024 }];
  },
  async fits() {
    return [
      fitCase('hsb', loadTable(hsbPath), 'mathach ~ cses + (cses | school)', 0.148, 9, true, hsbPath),
      fitCase('Exam-like', simulateExam(), 'y ~ x + (x | school)', 0.121, 9),
      fitCase('two factors', simulateTwoFactors(), 'score ~ x + sex + (1 | lea) + (1 | school)', 0.613, 5),
    ];
  },
  async insteval() {
    return [fitCase('InstEval', instEval(), 'y ~ service + (1 | s) + (1 | d) + (1 | dept)', 36.1, 3)];
  },
  async instevalFresh() {
    // `lmm fit` in a fresh process, wall clock from start to exit (Node start-up, reading the
    // CSV, JIT warm-up and the fit): the median of three runs.
    const dir = mkdtempSync(join(tmpdir(), 'lmm-bench-'));
    try {
      const csv = join(dir, 'insteval.csv');
      writeFileSync(csv, gunzipSync(readFileSync(join(repoRoot, 'bench', 'data', 'insteval.csv.gz'))));
      const cli = cliPath;
      const formula = 'y ~ service + (1 | s) + (1 | d) + (1 | dept)';
      const times: number[] = [];
      let fit: { REMLcrit: number; optimization: { evaluations: number; threads: number } } | undefined;
      for (let r = 0; r < 3; r++) {
        const start = performance.now();
        const out = execFileSync(process.execPath, [cli, 'fit', '--data', csv, '--formula', formula, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
        times.push(performance.now() - start);
        fit = JSON.parse(out);
      }
      const seconds = median(times) / 1000;
      const lme4 = lme4Seconds('insteval_intercepts');
      return [{
        benchmark: 'fit InstEval REML, `lmm fit` in a fresh process (wall clock, median of 3)',
        formula, seconds: +seconds.toFixed(3), evaluations: fit?.optimization.evaluations, threads: fit?.optimization.threads, criterion: fit?.REMLcrit,
        lme4Seconds: lme4.seconds, lme4Source: lme4.source, ratio: +(seconds / lme4.seconds).toFixed(4),
        target: 'seconds <= 7.2', pass: seconds <= 7.2,
      }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  async kb07() {
    const table = loadTable(kb07Path);
    return [
      hardCase('kb07 slopes', 'kb07_slopes', table, 'RTtrunc ~ 1 + S*P*C + (1 + S + P + C | subj) + (1 + S + P + C | item)', false, undefined, kb07Path),
      hardCase('kb07 maximal', 'kb07_maximal', table, 'RTtrunc ~ 1 + S*P*C + (1 + S*P*C | subj) + (1 + S*P*C | item)', false, 10, kb07Path),
    ];
  },
  async instevalSlopes() {
    return [hardCase('InstEval slopes', 'insteval_slopes', instEval(), 'y ~ 1 + service + (1 + service | s) + (1 + service | d) + (1 + service | dept)', false)];
  },
  async bootstrapHsb() {
    // `lmm bootstrap` hsb slopes, 1,000 replicates, in a fresh process: the command's own
    // bootstrapMillis and the wall clock, against lme4's bootMer for the same (recorded by
    // test/fixtures/scripts/bootstrap.R in test/fixtures/bootstrap/hsb_slopes.json).
    const cli = cliPath;
    const formula = 'mathach ~ cses + (cses | school)';
    const start = performance.now();
    const out = JSON.parse(execFileSync(process.execPath, [cli, 'bootstrap', '--data', hsbPath, '--formula', formula, '--n', '1000', '--seed', '7', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    const wall = (performance.now() - start) / 1000;
    const ref = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'bootstrap', 'hsb_slopes.json'), 'utf8'));
    const seconds = out.bootstrapMillis / 1000;
    return [{
      benchmark: 'bootstrap hsb slopes, 1000 replicates, `lmm bootstrap` in a fresh process',
      formula, seconds: +seconds.toFixed(3), wallSeconds: +wall.toFixed(3), singularShare: out.singularShare,
      lme4Seconds: ref.seconds, lme4Replicates: ref.nsim, lme4Source: `bootMer, ${ref.engine} (test/fixtures/bootstrap/hsb_slopes.json)`,
      ratio: +(seconds / ref.seconds).toFixed(4), target: 'ratio <= 0.1', pass: seconds / ref.seconds <= 0.1,
    }];
  },
  async bootstrapScale() {
    // The same 300 replicates' cost at 10^4 and 10^6 rows with the same 100 groups: a replicate
    // touches only the blocks, so the ratio should be near 1 (target ≤ 1.25).
    const { parametricBootstrap } = await import('../src/fit/bootstrap/bootstrap.js');
    const formula = 'y ~ x + z + (x | g)';
    const perReplicate = (rows: number): { ms: number; evaluations: number } => {
      const fit = fitLmm(simulateSlopes(rows, 100), formula);
      parametricBootstrap(fit, { n: 30, seed: 1 }); // warm-up
      const b = parametricBootstrap(fit, { n: 300, seed: 2 });
      return { ms: b.millis / 300, evaluations: b.replicates.reduce((s, r) => s + r.evaluations, 0) / 300 };
    };
    const small = perReplicate(10_000);
    const large = perReplicate(1_000_000);
    const ratio = large.ms / small.ms;
    return [{
      benchmark: 'bootstrap replicate cost, 1e6 vs 1e4 rows, 100 groups', formula,
      msPerReplicate1e4: +small.ms.toFixed(3), msPerReplicate1e6: +large.ms.toFixed(3),
      evaluationsPerReplicate1e4: +small.evaluations.toFixed(1), evaluationsPerReplicate1e6: +large.evaluations.toFixed(1),
      ratio: +ratio.toFixed(3), target: 'ratio <= 1.25', pass: ratio <= 1.25,
    }];
  },
  async residualsScale() {
    // One evaluation of the criterion with AR(1) residuals (issue 15) at 10^4 and 10^6 rows with
    // the same 100 groups: combining the fixed cross-product sets at a new ρ and factoring costs
    // O(blocks), so the ratio should be near 1 (target ≤ 1.25). Median of 200 evaluations.
    const { parseResidualSpec, residualStructure, combineSets, emptyLike, logDetV } = await import('../src/model/residuals.js');
    const { BlockedCholesky } = await import('../src/fit/blocked.js');
    const perEvaluation = (rows: number): number => {
      // simulateSlopes puts row i in group i mod 100: t = ⌊i/100⌋ is each group's 0, 1, 2, ….
      const time = Float64Array.from({ length: rows }, (_, i) => Math.floor(i / 100));
      const data = simulateSlopes(rows, 100).assign({ t: time });
      const model = buildModel(data, 'y ~ x + z + (x | g)');
      const structure = residualStructure(data, model, parseResidualSpec('ar1(t | g)'));
      const cp = emptyLike(model.crossprod);
      const factor = new BlockedCholesky(cp, model.terms.map((t) => ({ q: t.q, nlevels: t.nlevels })));
      const delta = new Float64Array([1]);
      const times: number[] = [];
      for (let i = 0; i < 260; i++) {
        const rho = 0.1 + 0.6 * ((i * 0.618) % 1);
        const start = performance.now();
        combineSets(structure, rho, delta, cp);
        factor.evaluate([0.8, 0.1, 0.3], true);
        logDetV(structure, rho, delta);
        if (i >= 60) times.push(performance.now() - start);
      }
      return median(times);
    };
    const small = perEvaluation(10_000);
    const large = perEvaluation(1_000_000);
    const ratio = large / small;
    return [{
      benchmark: 'AR(1) criterion evaluation, 1e6 vs 1e4 rows, 100 groups', formula: 'y ~ x + z + (x | g), residuals ar1(t | g)',
      msPerEvaluation1e4: +small.toFixed(4), msPerEvaluation1e6: +large.toFixed(4), ratio: +ratio.toFixed(3), target: 'ratio <= 1.25', pass: ratio <= 1.25,
    }];
  },
  async samplerResidualsScale() {
    // One Gibbs sweep with AR(1) residuals and a variance per stratum (issue 15) at 10^4 and 10^6
    // rows with the same 100 groups: the sweep combines the fixed cross-product sets and forms
    // the quadratic forms from blocks only, so the ratio should be near 1 (target ≤ 1.25).
    // Both kernels are built and warmed (200 sweeps) first; then five rounds alternate between
    // them, 200 sweeps timed as one block each, and each size's figure is the median of its rounds
    // (single sweeps of ~0.1 ms timed one after the other swung the ratio from 0.7 to 1.3).
    const { parseResidualSpec, residualStructure } = await import('../src/model/residuals.js');
    const { GibbsKernel, samplerModel } = await import('../samplers/gibbs.js');
    const { resolvePriors, termPriors } = await import('../samplers/priors.js');
    const { samplerResiduals } = await import('../samplers/residualSteps.js');
    const { createRng } = await import('../samplers/rng.js');
    const kernelOf = (rows: number) => {
      const time = Float64Array.from({ length: rows }, (_, i) => Math.floor(i / 100));
      const stratum = Array.from({ length: rows }, (_, i) => (i % 100 < 50 ? 'a' : 'b'));
      const data = simulateSlopes(rows, 100).assign({ t: time, s: stratum });
      const model = buildModel(data, 'y ~ x + z + (x | g)');
      const sm = samplerModel(model);
      sm.residuals = samplerResiduals(residualStructure(data, model, parseResidualSpec('ar1(t | g) + var(s)')));
      const kernel = new GibbsKernel(sm, termPriors(model, resolvePriors(model, undefined, { ar1: true })));
      const rng = createRng(1);
      const state = kernel.init(rng);
      for (let i = 0; i < 200; i++) kernel.advance(rng, state);
      return { kernel, rng, state };
    };
    const perSweep = ({ kernel, rng, state }: ReturnType<typeof kernelOf>): number => {
      const sweeps = 200;
      const start = performance.now();
      for (let i = 0; i < sweeps; i++) kernel.advance(rng, state);
      return (performance.now() - start) / sweeps;
    };
    const kernels = { small: kernelOf(10_000), large: kernelOf(1_000_000) };
    const times = { small: [] as number[], large: [] as number[] };
    for (let r = 0; r < 5; r++) {
      times.small.push(perSweep(kernels.small));
      times.large.push(perSweep(kernels.large));
    }
    const small = median(times.small);
    const large = median(times.large);
    const ratio = large / small;
    return [{
      benchmark: 'Gibbs sweep with AR(1) + stratum variances, 1e6 vs 1e4 rows, 100 groups', formula: 'y ~ x + z + (x | g), residuals ar1(t | g) + var(s)',
      msPerSweep1e4: +small.toFixed(4), msPerSweep1e6: +large.toFixed(4), ratio: +ratio.toFixed(3), target: 'ratio <= 1.25', pass: ratio <= 1.25,
    }];
  },
  async duckdbScale() {
    // 10^8 rows by default (LMM_BENCH_DUCKDB_ROWS to change): generating the file takes minutes and
    // ~1.5 GB under bench/data/ the first time; run it alone on the machine.
    const { duckdbScale } = await import('./duckdbScale.js');
    const rows = Number(process.env.LMM_BENCH_DUCKDB_ROWS ?? 100_000_000);
    return [await duckdbScale(rows)];
  },
  async fit1e6() {
    return [fitCase('simulated 1e6', simulateSlopes(1_000_000, 10_000), 'y ~ x + z + (x | g)', 79.3, 1)];
  },
  async sampler() {
    const model = buildModel(loadTable(hsbPath), 'mathach ~ cses + (cses | school)');
    await sampleModel(model, { seed: 1, iter: 200 }); // warm-up
    // The same seed five times (the same draws): the median sampling time.
    const runs = [];
    for (let r = 0; r < 5; r++) runs.push(await sampleModel(model, { seed: 2026, chains: 4, iter: 2000, warmup: 1000 }));
    const result = runs.sort((a, b) => a.sampleMillis - b.sampleMillis)[2];
    const rows = result.summary().filter((r) => !r.param.startsWith('a['));
    const minEss = Math.min(...rows.map((r) => r.ess_bulk ?? 0));
    const maxRhat = Math.max(...rows.map((r) => r.rhat ?? Infinity));
    const perSecond = minEss / (result.sampleMillis / 1000);
    // The same run as a user makes it: `lmm sample` in a fresh process, seed 7 (issue 18).
    const fresh = freshCli(['sample', '--data', hsbPath, '--formula', 'mathach ~ cses + (cses | school)', '--chains', '4', '--iter', '2000', '--warmup', '1000', '--seed', '7']);
    const freshRows = (fresh.json.summary as { param: string; ess_bulk: number | null; rhat: number | null }[]).filter((r) => !r.param.startsWith('a['));
    const freshMinEss = Math.min(...freshRows.map((r) => r.ess_bulk ?? 0));
    const freshMaxRhat = Math.max(...freshRows.map((r) => r.rhat ?? Infinity));
    const freshSeconds = (fresh.json.sampleMillis as number) / 1000;
    const freshPerSecond = freshMinEss / freshSeconds;
    return [{
      benchmark: 'sampler hsb min bulk-ESS per second',
      formula: 'mathach ~ cses + (cses | school)',
      chains: 4, iter: 2000, warmup: 1000,
      fresh: {
        seed: 7,
        wallSeconds: +fresh.wallSeconds.toFixed(3),
        sampleSeconds: +freshSeconds.toFixed(4),
        minEssBulk: Math.round(freshMinEss),
        essPerSecond: Math.round(freshPerSecond),
        maxRhat: +freshMaxRhat.toFixed(4),
        target: 'essPerSecond >= 10000 and maxRhat < 1.01 and wallSeconds <= 1.0',
        pass: freshPerSecond >= 10000 && freshMaxRhat < 1.01 && fresh.wallSeconds <= 1.0,
      },
      warmed: 'the figures below: median of five runs in one process after a warm-up run, seed 2026',
      sampleSeconds: +(result.sampleMillis / 1000).toFixed(4),
      minEssBulk: Math.round(minEss),
      essPerSecond: Math.round(perSecond),
      maxRhat: +maxRhat.toFixed(4),
      reference: { MCMChregress: 8, stan_lmer: 0.6 },
      target: 'essPerSecond >= 10000 and maxRhat < 1.01',
      pass: perSecond >= 10000 && maxRhat < 1.01,
    }];
  },
  async startup() {
    // `lmm --version` in a fresh process: Node start-up and the CLI's own loading (median of 5).
    const run = freshCli(['--version'], 5, false);
    return [{ benchmark: 'CLI start-up, `lmm --version` in a fresh process (wall clock, median of 5)', wallSeconds: +run.wallSeconds.toFixed(3), target: 'wallSeconds <= 0.15', pass: run.wallSeconds <= 0.15 }];
  },
  async fixtures() {
    // Every lme4 reference fit of test/fixtures/lme4 as `lmm fit` in a fresh process (median of
    // 3), against lme4's fitSeconds recorded in the fixture (`system.time(lmer(...))` in a fresh
    // R session after loading the data; test/fixtures/scripts).
    const dir = join(repoRoot, 'test', 'fixtures', 'lme4');
    return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
      const ref = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { id: string; dataset: string; formula: string; REML: boolean; fitSeconds: number };
      const fresh = freshFit(join(repoRoot, 'test', 'fixtures', 'data', `${ref.dataset}.csv`), ref.formula, ref.REML);
      const ratio = fresh.fitSeconds / ref.fitSeconds;
      return {
        benchmark: `fit fixture ${ref.id}, \`lmm fit\` in a fresh process (median of 3)`,
        formula: ref.formula,
        method: ref.REML ? 'REML' : 'ML',
        ...fresh,
        lme4Seconds: +ref.fitSeconds.toFixed(3),
        ratio: +ratio.toFixed(3),
        target: 'fitSeconds <= 0.5 * lme4Seconds',
        pass: ratio <= 0.5,
      };
    });
  },
  async iteration() {
    // Time per Gibbs iteration at 1e4 and 1e6 rows with the same 1,000 groups: three rounds,
    // alternating the two models, the median of each.
    const kernelOf = (n: number) => {
      const model = buildModel(simulateSlopes(n, 1000, 5), 'y ~ x + z + (x | g)');
      const kernel = new GibbsKernel(samplerModel(model), termPriors(model, defaultPriors(model)));
      const rng = createRng(9);
      const state = kernel.init(rng);
      for (let i = 0; i < 200; i++) kernel.advance(rng, state);
      return { kernel, rng, state };
    };
    const perIteration = ({ kernel, rng, state }: ReturnType<typeof kernelOf>) => {
      const start = performance.now();
      const iterations = 1000;
      for (let i = 0; i < iterations; i++) kernel.advance(rng, state);
      return (performance.now() - start) / iterations;
    };
    const small = kernelOf(10_000);
    const large = kernelOf(1_000_000);
    const times = { small: [] as number[], large: [] as number[] };
    for (let r = 0; r < 3; r++) {
      times.small.push(perIteration(small));
      times.large.push(perIteration(large));
    }
    const s = median(times.small);
    const l = median(times.large);
    return [{ benchmark: 'sampler time per iteration, 1e6 vs 1e4 rows, 1,000 groups', msPerIteration1e4: +s.toFixed(4), msPerIteration1e6: +l.toFixed(4), ratio: +(l / s).toFixed(3), target: 'ratio <= 1.25', pass: l / s <= 1.25 }];
  },
  async summaries() {
    const r = benchSummaries();
    const parallel = await benchSummariesParallel();
    return [
      { benchmark: 'posterior summaries 4 chains x 10,000 draws x 300 parameters (median of 5)', seconds: +(r.millis / 1000).toFixed(4), fastest: +(r.fastest / 1000).toFixed(4), slowest: +(r.slowest / 1000).toFixed(4), target: 'well under 1 s (taken as <= 0.5 s)', pass: r.millis <= 500 },
      { benchmark: 'posterior summaries, same, worker threads (start-up included; median of 5)', threads: parallel.threads, seconds: +(parallel.millis / 1000).toFixed(4), fastest: +(parallel.fastest / 1000).toFixed(4), slowest: +(parallel.slowest / 1000).toFixed(4), target: 'well under 1 s (taken as <= 0.5 s)', pass: parallel.millis <= 500 },
    ];
  },
};

const caseArg = process.argv.indexOf('--case');
if (caseArg >= 0) {
  const name = process.argv[caseArg + 1];
  for (const line of await cases[name]()) emit(line);
} else {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const name of Object.keys(cases)) {
    if (only.length && !only.includes(name)) continue;
    // Each case in a fresh process: clean peak-memory figures and no JIT or heap carry-over.
    const flags = process.argv.includes('--lme4') ? ['--lme4'] : [];
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--case', name, ...flags], { encoding: 'utf8', maxBuffer: 1 << 24 });
    process.stdout.write(out);
  }
}
